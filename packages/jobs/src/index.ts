export { APP_ID, createInngestClient, type InngestSettings, type JobsLogger } from "./client";
export type { JobDefinition, JobDeps, JobIo } from "./definition";
export { SEND_WELCOME_EMAIL } from "./definitions/send-welcome-email";
export { createEmailTransport, type EmailSettings, type EmailTransport } from "./email/transport";
export { type BriskEvent, events } from "./events";
export { createJobs, JOB_DEFINITIONS, type Jobs, type JobsSettings } from "./jobs";
export {
  type OutboxEvent,
  type OutboxRelay,
  RELAY_DEFAULTS,
  type RelaySettings,
  recordEvent,
  startOutboxRelay,
} from "./outbox";
