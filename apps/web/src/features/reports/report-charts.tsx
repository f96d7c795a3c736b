"use client";

import { BarChart, LineChart } from "@brisk/charts";
import {
  describeFigures,
  formatCount,
  PROVIDER_LABELS,
  type ReportResult,
} from "@brisk/jobs/reports";
import styles from "./reports.module.css";

/** A day on the time axis, as the cadence chart labels its weeks (MM-DD). */
const day = (at: number) => new Date(at).toISOString().slice(5, 10);

const PROVIDERS = Object.keys(PROVIDER_LABELS) as (keyof typeof PROVIDER_LABELS)[];

/** A finished report's figures and charts, drawn in the browser by the PDF's own charts. */
export function ReportCharts({ result, width }: { result: ReportResult; width: number }) {
  const views = result.providers.pageviews;
  const chartWidth = Math.max(260, Math.min(width, 720));
  return (
    <div className={styles.preview} data-testid="report-preview">
      <dl className={styles.figures}>
        <div>
          <dt>Posts</dt>
          <dd>
            {formatCount(result.ours.posts)} ({formatCount(result.ours.published)} published)
          </dd>
        </div>
        <div>
          <dt>Words</dt>
          <dd>{formatCount(result.ours.words)}</dd>
        </div>
        {PROVIDERS.map((name) => {
          const part = result.providers[name];
          return (
            <div key={name}>
              <dt>{PROVIDER_LABELS[name]}</dt>
              <dd>
                {part.status === "ok" ? describeFigures(name, part.figures) : "lost: not reached"}
              </dd>
            </div>
          );
        })}
      </dl>
      {result.lost.length > 0 && (
        <p className={styles.lost}>
          Complete without {result.lost.map((name) => PROVIDER_LABELS[name]).join(", ")}: they could
          not be reached.
        </p>
      )}
      <BarChart
        title="Posts a week"
        data={result.ours.cadence.map((week) => ({ label: week.week.slice(5), value: week.posts }))}
        width={chartWidth}
        height={180}
        unit="posts"
      />
      {result.ours.tags.length > 0 && (
        <BarChart
          title="Tags"
          data={result.ours.tags.map((tag) => ({ label: tag.name, value: tag.posts }))}
          width={chartWidth}
          height={180}
          unit="posts"
        />
      )}
      {views.status === "ok" && views.figures.daily.length > 1 && (
        <LineChart
          title="Page views a day"
          times={views.figures.daily.map((day) => Date.parse(`${day.date}T00:00:00Z`))}
          series={[{ name: "views", values: views.figures.daily.map((day) => day.views) }]}
          width={chartWidth}
          height={180}
          unit="views"
          formatTime={day}
        />
      )}
    </div>
  );
}
