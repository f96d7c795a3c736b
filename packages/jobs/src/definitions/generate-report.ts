import { PROVIDER_NAMES } from "@brisk/providers";
import type { JobDefinition } from "../definition";
import { events } from "../events";
import {
  failReport,
  fetchProvider,
  finishReport,
  gatherNumbers,
  reportAuthorIds,
  reportOwner,
  sendReportReady,
  startReport,
  storeReportPdf,
  summarize,
} from "./generate-report.handler";

/**
 * A report, in steps: claim it, gather our numbers, each provider as a step of its own (run in
 * parallel, so one that fails is retried alone, and one that fails for good is named as lost
 * while the report completes), the PDF stored, the report marked done, the email. A bulk run
 * is one run over every author (one report, one PDF with a section each), not one event per
 * author: the requester waits for one thing, and the throttle below holds one run, not
 * hundreds.
 */
export const GENERATE_REPORT = {
  id: "generate-report",
  name: "Generate a report",
  trigger: events.reportRequested,
  idempotency: "event.data.reportId",
  retries: 2,
  // A person waiting on their own report goes ahead of queued work; a bulk run goes behind it.
  priority: { run: "event.data.scope == 'bulk' ? -300 : 120" },
  // Every bulk run shares one lane (`bulk`): 2 steps in flight of the function's 4, so bulk
  // work never takes every worker, and bulk runs go one after another. Each other report has
  // a lane of its own (2 providers at a time). Where the function's 4 are all taken (several
  // members at once, or Inngest's account limit), priority puts members' steps first.
  concurrency: [{ limit: 4 }, { limit: 2, key: "event.data.lane" }],
  progress: {
    steps: 5 + PROVIDER_NAMES.length,
    owner: ({ data, deps }) => reportOwner(deps, data.reportId),
    subject: (data) => `report:${data.reportId}`,
  },
  handler: async ({ data, io, deps }) => {
    const spec = await io.step("start", () => startReport(deps, data.reportId));
    if (!spec) return { outcome: "nothing-to-do" as const };
    const numbers = await io.step("gather", () => gatherNumbers(deps, spec));
    const authorIds = reportAuthorIds(spec, numbers);
    const parts = await Promise.all(
      PROVIDER_NAMES.map((provider) =>
        io
          .step(`provider-${provider}`, () => fetchProvider(deps, spec, provider, authorIds))
          .then(
            (figures) => ({ provider, figures }),
            (error: unknown) => ({
              provider,
              error: error instanceof Error ? error.message : "The provider failed.",
            }),
          ),
      ),
    );
    const result = summarize(spec, numbers, parts);
    await io.step("pdf", () => storeReportPdf(deps, spec, result));
    await io.step("ready", () => finishReport(deps, spec, result));
    await io.step("email", () => sendReportReady(deps, spec, result));
    return { outcome: "ready" as const, lost: result.lost };
  },
  onFailure: ({ data, deps, error }) => failReport(deps, data.reportId, error),
} satisfies JobDefinition<typeof events.reportRequested>;
