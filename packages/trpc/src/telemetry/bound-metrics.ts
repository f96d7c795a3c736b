import type { Metric, Registry } from "prom-client";

/**
 * Counters, gauges and histograms for the per-request path, whose label sets are resolved
 * once (`series(labels)`), so recording is a few additions. prom-client validates and hashes
 * the labels on every `inc` and `observe`, even through a `labels()` child: on a cached read
 * that was a measurable share of the request. Each registers with the registry as the metric
 * of its type, and Prometheus sees exactly what prom-client would write.
 */
interface Options {
  name: string;
  help: string;
  labelNames: readonly string[];
}

type Labels = Record<string, string>;
interface Value {
  labels: Labels;
  value: number;
  metricName?: string;
}

function register(
  registry: Registry,
  options: Options,
  type: "counter" | "gauge" | "histogram",
  values: () => Value[],
  reset: () => void,
) {
  const metric = {
    name: options.name,
    help: options.help,
    type,
    labelNames: options.labelNames,
    aggregator: "sum",
    get: async () => ({
      name: options.name,
      help: options.help,
      type,
      aggregator: "sum",
      values: values(),
    }),
    reset,
  };
  registry.registerMetric(metric as unknown as Metric);
}

function seriesOf<T>(make: () => T) {
  const all = new Map<string, { labels: Labels; data: T }>();
  return {
    all,
    get(labels: Labels): T {
      const key = JSON.stringify(labels);
      let found = all.get(key);
      if (!found) {
        found = { labels, data: make() };
        all.set(key, found);
      }
      return found.data;
    },
  };
}

/** A single number per label set, exposed as a counter or a gauge. */
function boundScalar(registry: Registry, options: Options, type: "counter" | "gauge") {
  const series = seriesOf(() => ({ value: 0 }));
  register(
    registry,
    options,
    type,
    () => [...series.all.values()].map(({ labels, data }) => ({ labels, value: data.value })),
    () => series.all.clear(),
  );
  return (labels: Labels) => series.get(labels);
}

export function boundCounter(registry: Registry, options: Options) {
  const seriesFor = boundScalar(registry, options, "counter");
  return {
    series(labels: Labels) {
      const data = seriesFor(labels);
      return {
        inc() {
          data.value += 1;
        },
      };
    },
  };
}

export function boundGauge(registry: Registry, options: Options) {
  const seriesFor = boundScalar(registry, options, "gauge");
  return {
    series(labels: Labels) {
      const data = seriesFor(labels);
      return {
        inc() {
          data.value += 1;
        },
        dec() {
          data.value -= 1;
        },
      };
    },
  };
}

export function boundHistogram(
  registry: Registry,
  options: Options & { buckets: readonly number[] },
) {
  const { buckets } = options;
  const series = seriesOf(() => ({
    // One count per bucket (not cumulative), and the overflow past the last bound.
    counts: new Array<number>(buckets.length + 1).fill(0),
    sum: 0,
    count: 0,
  }));
  register(
    registry,
    options,
    "histogram",
    () =>
      [...series.all.values()].flatMap(({ labels, data }) => {
        let cumulative = 0;
        const bucketValues: Value[] = buckets.map((bound, i) => {
          cumulative += data.counts[i]!;
          return {
            labels: { le: String(bound), ...labels },
            value: cumulative,
            metricName: `${options.name}_bucket`,
          };
        });
        return [
          ...bucketValues,
          {
            labels: { le: "+Inf", ...labels },
            value: data.count,
            metricName: `${options.name}_bucket`,
          },
          { labels, value: data.sum, metricName: `${options.name}_sum` },
          { labels, value: data.count, metricName: `${options.name}_count` },
        ];
      }),
    () => series.all.clear(),
  );
  return {
    series(labels: Labels) {
      const data = series.get(labels);
      return {
        observe(value: number) {
          let i = 0;
          while (i < buckets.length && value > buckets[i]!) i++;
          data.counts[i]! += 1;
          data.sum += value;
          data.count += 1;
        },
      };
    },
  };
}
