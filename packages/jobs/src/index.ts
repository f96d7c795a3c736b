export { APP_ID, createInngestClient, type InngestSettings, type JobsLogger } from "./client";
export type { JobDefinition, JobDeps, JobIo } from "./definition";
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
export {
  type OutboxEvent,
  type OutboxRelay,
  RELAY_DEFAULTS,
  type RelaySettings,
  recordEvent,
  startOutboxRelay,
} from "./outbox";
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
