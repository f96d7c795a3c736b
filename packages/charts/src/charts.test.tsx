import { DOMParser, type Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { BarChart, LineChart } from "./index";
import { chartToSvg } from "./server";

/** The markup as an XML document; any well-formedness error fails the test. */
function parse(svg: string) {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => errors.push(`${level}: ${message}`),
  }).parseFromString(svg, "image/svg+xml");
  expect(errors).toEqual([]);
  const root = doc.documentElement!;
  expect(root.tagName).toBe("svg");
  expect(root.getAttribute("xmlns")).toBe("http://www.w3.org/2000/svg");
  return root;
}

const byTestId = (root: Element, id: string) =>
  Array.from(root.getElementsByTagName("*")).filter((e) => e.getAttribute("data-testid") === id);

const textOf = (root: Element) =>
  Array.from(root.getElementsByTagName("text")).map((t) => t.textContent);

describe("BarChart", () => {
  const data = [
    { label: "<script>alert(1)</script>", value: 3 },
    { label: 'Tom & "Jerry"', value: 12 },
    { label: "quiet", value: 0 },
  ];

  it("renders one bar per item, named, with labels escaped", () => {
    const svg = chartToSvg(
      <BarChart title="Posts <by> tag & more" data={data} width={480} height={240} unit="posts" />,
    );
    const root = parse(svg);
    expect(byTestId(root, "chart-bar")).toHaveLength(3);
    expect(root.getAttribute("aria-label")).toBe("Posts <by> tag & more");
    expect(root.getElementsByTagName("title")[0]!.textContent).toBe("Posts <by> tag & more");
    expect(svg).not.toContain("<script>");
    const bars = byTestId(root, "chart-bar").map(
      (b) => b.getElementsByTagName("title")[0]!.textContent,
    );
    expect(bars[0]).toBe("<script>alert(1)</script>: 3 posts");
    expect(svg).not.toContain("NaN");
  });

  it("keeps every label, shortened only when the bar is too narrow", () => {
    const root = parse(chartToSvg(<BarChart title="t" data={data} width={900} height={240} />));
    expect(textOf(root)).toEqual(expect.arrayContaining(['Tom & "Jerry"', "quiet"]));
  });

  it("renders an empty state, not NaN, without data", () => {
    const svg = chartToSvg(<BarChart title="Nothing" data={[]} width={320} height={200} />);
    const root = parse(svg);
    expect(byTestId(root, "chart-bar")).toHaveLength(0);
    expect(byTestId(root, "chart-empty")).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("is deterministic", () => {
    const render = () => chartToSvg(<BarChart title="t" data={data} width={480} height={240} />);
    expect(render()).toBe(render());
    expect(render()).toMatchSnapshot();
  });
});

describe("LineChart", () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const times = Array.from({ length: 13 }, (_, i) => start + i * 5_000);
  const series = [
    { name: "p95 <ms>", values: times.map((_, i) => (i === 4 ? null : 10 + i)) },
    { name: "limit", values: times.map(() => 30), dashed: true },
    { name: "utilisation", values: times.map((_, i) => i * 5), axis: "right" as const },
  ];

  it("draws a path per series, thresholds and a right axis", () => {
    const svg = chartToSvg(
      <LineChart
        title="Latency & load"
        times={times}
        series={series}
        width={640}
        height={220}
        unit="ms"
        right={{ unit: "%", max: 100 }}
        thresholds={[{ value: 25, label: "alert <25>" }]}
      />,
    );
    const root = parse(svg);
    const lines = byTestId(root, "chart-line");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+L/);
    // The gap at sample 4 starts a second subpath.
    expect(lines.some((l) => (l.getAttribute("d")!.match(/M/g) ?? []).length === 2)).toBe(true);
    expect(byTestId(root, "chart-threshold")).toHaveLength(1);
    expect(textOf(root)).toEqual(expect.arrayContaining(["ms", "%", "alert <25>", "12:00:30"]));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("marks the hovered sample", () => {
    const root = parse(
      chartToSvg(
        <LineChart
          title="t"
          times={times}
          series={series}
          width={640}
          height={220}
          hoverIndex={3}
        />,
      ),
    );
    expect(byTestId(root, "chart-hover")).toHaveLength(1);
  });

  it("takes day labels instead of times", () => {
    const days = ["1 Mar", "2 Mar", "3 & 4 Mar"];
    const root = parse(
      chartToSvg(
        <LineChart
          title="Posts per day"
          times={days}
          series={[{ name: "posts", values: [1, 4, 2] }]}
          width={480}
          height={200}
        />,
      ),
    );
    expect(byTestId(root, "chart-line")).toHaveLength(1);
    expect(textOf(root)).toEqual(expect.arrayContaining(days));
  });

  it("draws a lone value between gaps as a dot", () => {
    const root = parse(
      chartToSvg(
        <LineChart
          title="t"
          times={[1, 2, 3]}
          series={[{ name: "a", values: [null, 5, null] }]}
          width={300}
          height={200}
        />,
      ),
    );
    expect(root.getElementsByTagName("circle")).toHaveLength(1);
  });

  it("renders an empty state, not NaN, without data", () => {
    for (const [t, s] of [
      [[], []],
      [times, [{ name: "a", values: times.map(() => null) }]],
      [[start], [{ name: "a", values: [3] }]],
    ] as const) {
      const svg = chartToSvg(
        <LineChart title="Empty" times={t} series={s} width={320} height={200} />,
      );
      parse(svg);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
    const svg = chartToSvg(<LineChart title="Empty" times={[]} series={[]} width={0} height={0} />);
    expect(byTestId(parse(svg), "chart-empty")).toHaveLength(1);
  });

  it("is deterministic", () => {
    const render = () =>
      chartToSvg(<LineChart title="t" times={times} series={series} width={480} height={200} />);
    expect(render()).toBe(render());
    expect(render()).toMatchSnapshot();
  });
});
