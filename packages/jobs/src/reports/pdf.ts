/// <reference path="./svg-to-pdfkit.d.ts" />
import { createRequire } from "node:module";
import path from "node:path";
import { BarChart, LineChart } from "@brisk/charts";
import { chartToSvg } from "@brisk/charts/server";
import { PROVIDER_NAMES } from "@brisk/providers";
import PDFDocument from "pdfkit";
import { createElement } from "react";
import SVGtoPDF from "svg-to-pdfkit";
import { describeFigures, formatCount, PROVIDER_LABELS, type ReportResult } from "./result";

/**
 * DejaVu, shipped by an npm package and embedded (subset) in every PDF: a report reads the
 * same on any reader, and names outside Latin-1 print. Found when a PDF is made, not when the
 * module loads: the dashboard's bundler (which imports this module and never renders) turns
 * a resolve into a module id, and has no module type for a .ttf.
 */
function fonts() {
  const dir = path.join(
    path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
    "ttf",
  );
  return { body: path.join(dir, "DejaVuSans.ttf"), bold: path.join(dir, "DejaVuSans-Bold.ttf") };
}

const PAGE = { width: 595.28, margin: 50 };
const CONTENT = PAGE.width - 2 * PAGE.margin;
const CHART_HEIGHT = 170;

function chart(doc: PDFKit.PDFDocument, svg: string) {
  if (doc.y + CHART_HEIGHT > doc.page.height - PAGE.margin) doc.addPage();
  SVGtoPDF(doc, svg, PAGE.margin, doc.y, {
    width: CONTENT,
    height: CHART_HEIGHT,
    assumePt: true,
    fontCallback: (_family, bold) => (bold ? "bold" : "body"),
  });
  doc.y += CHART_HEIGHT + 8;
  doc.x = PAGE.margin;
}

function heading(doc: PDFKit.PDFDocument, text: string) {
  doc.moveDown(0.8).font("bold").fontSize(13).fillColor("#111").text(text).moveDown(0.3);
  doc.font("body").fontSize(10);
}

/** A report as a PDF: our numbers with their charts, the providers', what was lost. */
export async function renderReportPdf(result: ReportResult, generatedAt: Date): Promise<Buffer> {
  const FONTS = fonts();
  const doc = new PDFDocument({
    size: "A4",
    margin: PAGE.margin,
    font: FONTS.body,
    info: { Title: result.title, Author: "Brisk", CreationDate: generatedAt },
  });
  doc.registerFont("body", FONTS.body);
  doc.registerFont("bold", FONTS.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });

  doc.font("bold").fontSize(20).text(result.title);
  doc
    .font("body")
    .fontSize(10)
    .fillColor("#555")
    .text(
      `${result.from} to ${result.to} · generated ${generatedAt.toISOString().slice(0, 16)} UTC`,
    );
  if (result.lost.length > 0) {
    doc
      .moveDown(0.5)
      .fillColor("#a11")
      .text(
        `Missing: ${result.lost.map((name) => PROVIDER_LABELS[name]).join(", ")} could not be reached; this report is complete without them.`,
      );
  }
  doc.fillColor("#111");

  const ours = result.ours;
  heading(doc, "Our numbers");
  doc.text(`Posts: ${formatCount(ours.posts)} (${formatCount(ours.published)} published)`);
  doc.text(`Words: ${formatCount(ours.words)} (${formatCount(ours.averageWords)} a post)`);
  if (ours.tags.length > 0) {
    doc.text(`Tags: ${ours.tags.map((tag) => `${tag.name} (${tag.posts})`).join(", ")}`);
  }
  doc.moveDown(0.5);
  chart(
    doc,
    chartToSvg(
      createElement(BarChart, {
        title: "Posts a week",
        data: ours.cadence.map((week) => ({ label: week.week.slice(5), value: week.posts })),
        width: CONTENT,
        height: CHART_HEIGHT,
        unit: "posts",
      }),
    ),
  );

  heading(doc, "Providers");
  for (const name of PROVIDER_NAMES) {
    const part = result.providers[name];
    doc
      .font("bold")
      .text(`${PROVIDER_LABELS[name]}: `, { continued: true })
      .font("body")
      .text(part.status === "ok" ? describeFigures(name, part.figures) : `lost (${part.error})`);
  }
  const views = result.providers.pageviews;
  if (views.status === "ok" && views.figures.daily.length > 1) {
    doc.moveDown(0.5);
    chart(
      doc,
      chartToSvg(
        createElement(LineChart, {
          title: "Page views a day",
          times: views.figures.daily.map((day) => Date.parse(`${day.date}T00:00:00Z`)),
          series: [{ name: "views", values: views.figures.daily.map((day) => day.views) }],
          width: CONTENT,
          height: CHART_HEIGHT,
          unit: "views",
          formatTime: (at: number) => new Date(at).toISOString().slice(5, 10),
        }),
      ),
    );
  }

  if (ours.topPosts.length > 0) {
    heading(doc, "Top posts by length");
    for (const post of ours.topPosts) {
      doc.text(`${post.title} · ${formatCount(post.words)} words · ${post.status}`);
    }
  }

  if (result.authors.length > 0) {
    heading(doc, "Authors");
    for (const author of result.authors) {
      if (doc.y > doc.page.height - PAGE.margin - 60) doc.addPage();
      doc.font("bold").text(author.name).font("body");
      const figures = PROVIDER_NAMES.filter((name) => author.providers[name] !== undefined)
        .map((name) => `${PROVIDER_LABELS[name]} ${formatCount(author.providers[name]!)}`)
        .join(" · ");
      doc.text(
        `${formatCount(author.numbers.posts)} posts, ${formatCount(author.numbers.words)} words${figures ? ` · ${figures}` : ""}`,
      );
      doc.moveDown(0.3);
    }
  }

  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
