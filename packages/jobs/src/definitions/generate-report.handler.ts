import { getUserIdentity } from "@brisk/db/queries/auth";
import {
  attachReportPdf,
  getReport,
  markReportDone,
  markReportFailed,
  markReportRunning,
  reportPosts,
} from "@brisk/db/queries/reports";
import { PROVIDER_NAMES, type ProviderName } from "@brisk/providers";
import type { JobDeps } from "../definition";
import { reportReadyEmail } from "../email/report-ready";
import { type Aggregated, aggregatePosts } from "../reports/aggregate";
import { renderReportPdf } from "../reports/pdf";
import { type ProviderFigures, providerFigures } from "../reports/provider-figures";
import { PROVIDER_LABELS, type ProviderOutcome, type ReportResult } from "../reports/result";

/** What the run knows of its report once claimed: JSON-safe, memoized by the first step. */
export interface ReportSpec {
  id: number;
  scope: "author" | "workspace" | "bulk";
  authorId: number | null;
  authorName: string | null;
  requestedById: number;
  from: string;
  to: string;
}

/** Claims the report: undefined when it is gone or finished, and the run has nothing to do. */
export async function startReport(
  deps: JobDeps,
  reportId: number,
): Promise<ReportSpec | undefined> {
  const claimed = await markReportRunning(deps.db, reportId);
  if (!claimed) return undefined;
  const row = await getReport(deps.db, reportId);
  return {
    id: reportId,
    scope: claimed.scope,
    authorId: claimed.authorId,
    authorName: row?.authorName ?? null,
    requestedById: claimed.requestedById,
    from: claimed.fromDate,
    to: claimed.toDate,
  };
}

/**
 * Our numbers for the report. One author's posts are few and aggregate on the loop; the
 * workspace's and a bulk run's go to the worker pool, off the event loop.
 */
export async function gatherNumbers(deps: JobDeps, spec: ReportSpec): Promise<Aggregated> {
  const range = { from: spec.from, to: spec.to };
  const posts = await reportPosts(deps.db, spec.scope === "author" ? spec.authorId : null, range);
  return spec.scope === "author"
    ? aggregatePosts(posts, range, false)
    : deps.aggregator.run(posts, range, true);
}

/** The authors whose providers' figures the report reads. */
export function reportAuthorIds(spec: ReportSpec, numbers: Aggregated) {
  return spec.scope === "author" ? [spec.authorId!] : numbers.authors.map((author) => author.id);
}

export async function fetchProvider(
  deps: JobDeps,
  spec: ReportSpec,
  provider: ProviderName,
  authorIds: number[],
): Promise<ProviderFigures> {
  if (!deps.providers) throw new Error("No providers are configured here.");
  return providerFigures(deps.providers, provider, authorIds, spec);
}

export function reportTitle(spec: ReportSpec) {
  if (spec.scope === "workspace") return "Brisk report: the whole workspace";
  if (spec.scope === "bulk") return "Brisk report: every author";
  return `Brisk report: ${spec.authorName ?? `author ${spec.authorId}`}`;
}

/** The report's result from its parts; a provider whose step failed for good is lost. */
export function summarize(
  spec: ReportSpec,
  numbers: Aggregated,
  parts: { provider: ProviderName; figures?: ProviderFigures; error?: string }[],
): ReportResult {
  const providers = Object.fromEntries(
    parts.map((part): [ProviderName, ProviderOutcome] => [
      part.provider,
      part.figures
        ? { status: "ok", figures: part.figures.figures, error: null }
        : { status: "lost", figures: null, error: part.error ?? "The provider failed." },
    ]),
  ) as ReportResult["providers"];
  return {
    title: reportTitle(spec),
    scope: spec.scope,
    from: spec.from,
    to: spec.to,
    ours: numbers.totals,
    authors: numbers.authors.map((author) => ({
      ...author,
      providers: Object.fromEntries(
        parts.flatMap((part) =>
          part.figures?.headlines[author.id] !== undefined
            ? [[part.provider, part.figures.headlines[author.id]!]]
            : [],
        ),
      ),
    })),
    providers,
    lost: PROVIDER_NAMES.filter((name) => providers[name].status === "lost"),
  };
}

/**
 * Renders the PDF and stores it: the object under the report's own key (a retried step
 * overwrites it), the media row once (`attachReportPdf`). PDFs are not served by `/media`:
 * only the report's download route, which checks who asks.
 */
export async function storeReportPdf(deps: JobDeps, spec: ReportSpec, result: ReportResult) {
  const bytes = await renderReportPdf(result, new Date());
  const storageKey = `report-${spec.id}.pdf`;
  await deps.storage.put(storageKey, bytes, "application/pdf");
  return attachReportPdf(deps.db, spec.id, {
    ownerId: spec.requestedById,
    storageKey,
    byteSize: bytes.length,
  });
}

export async function finishReport(deps: JobDeps, spec: ReportSpec, result: ReportResult) {
  await markReportDone(deps.db, spec.id, result);
}

/** "Your report is ready", once per report, linking to its PDF on the dashboard. */
export async function sendReportReady(deps: JobDeps, spec: ReportSpec, result: ReportResult) {
  const user = await getUserIdentity(deps.db, spec.requestedById);
  if (!user) return { outcome: "no-such-user" as const };
  const outcome = await deps.email.send({
    to: user.email,
    kind: "report-ready",
    idempotencyKey: `report-ready:${spec.id}`,
    ...reportReadyEmail({
      name: user.name,
      title: result.title,
      link: `${deps.dashboardUrl}/reports/${spec.id}/pdf`,
      lost: result.lost.map((name) => PROVIDER_LABELS[name]),
    }),
  });
  return { outcome };
}

/** Who ordered the report, and so may watch it run besides admins. */
export async function reportOwner(deps: JobDeps, reportId: number) {
  return (await getReport(deps.db, reportId))?.requestedById ?? null;
}

export function failReport(deps: JobDeps, reportId: number, error: string) {
  return markReportFailed(deps.db, reportId, error);
}
