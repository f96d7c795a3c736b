import { Inngest } from "inngest";

/**
 * Where events go and who may call the serve endpoint. `dev`: a local executor or Inngest's
 * dev server at `url`, no signatures. `cloud`: Inngest Cloud, or a self-hosted Inngest at
 * `baseUrl`; requests to the serve endpoint must be signed with `signingKey`. The same code
 * runs in both; only these settings differ.
 */
export type InngestSettings =
  | { mode: "dev"; url: string }
  | { mode: "cloud"; eventKey: string; signingKey: string; baseUrl?: string | undefined };

/** What the SDK logs through: pino's methods. */
export interface JobsLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export const APP_ID = "brisk";

/**
 * The Inngest client from settings alone. Every option is given, so the SDK's own reading of
 * INNGEST_* variables never decides anything: the app's env module has already.
 */
export function createInngestClient(settings: InngestSettings, logger?: JobsLogger) {
  const common = { id: APP_ID, ...(logger ? { logger } : {}) };
  return settings.mode === "dev"
    ? new Inngest({ ...common, isDev: true, baseUrl: settings.url })
    : new Inngest({
        ...common,
        isDev: false,
        eventKey: settings.eventKey,
        signingKey: settings.signingKey,
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      });
}

export type InngestClient = ReturnType<typeof createInngestClient>;
