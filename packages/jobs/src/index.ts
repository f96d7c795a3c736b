export { APP_ID, createInngestClient, type InngestSettings, type JobsLogger } from "./client";
export type { JobDefinition, JobDeps, JobIo } from "./definition";
export { GENERATE_REPORT } from "./definitions/generate-report";
export { MAKE_COVER_THUMBNAILS } from "./definitions/make-cover-thumbnails";
export { THUMBNAIL_WIDTHS } from "./definitions/make-cover-thumbnails.handler";
export { SEND_INVITATION_EMAIL } from "./definitions/send-invitation-email";
export { SEND_WELCOME_EMAIL } from "./definitions/send-welcome-email";
export { createEmailTransport, type EmailSettings, type EmailTransport } from "./email/transport";
export { type BriskEvent, events } from "./events";
export {
  createJobs,
  JOB_DEFINITIONS,
  type JobFailureCounter,
  type Jobs,
  type JobsSettings,
} from "./jobs";
export { tooLarge, UPLOAD_DEFAULTS, type UploadLimits, type UploadOutcome } from "./media/upload";
export {
  type OutboxEvent,
  type OutboxRelay,
  RELAY_DEFAULTS,
  type RelaySettings,
  recordEvent,
  startOutboxRelay,
} from "./outbox";
export type { Aggregated, OurNumbers } from "./reports/aggregate";
export {
  describeFigures,
  formatCount,
  PROVIDER_LABELS,
  type ProviderOutcome,
  type ReportResult,
} from "./reports/result";
export {
  createRunsConsole,
  INNGEST_CLOUD_CONSOLE,
  RUN_STATUSES,
  type RunDetail,
  type RunStatus,
  type RunSummary,
  type RunsConsole,
  type RunsConsoleSettings,
  RunsError,
} from "./runs";
export {
  createStorage,
  isStorageKey,
  type MediaStorage,
  mediaUrls,
  type StorageSettings,
} from "./storage";
