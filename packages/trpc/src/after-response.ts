import {
  context,
  type Link,
  ROOT_CONTEXT,
  type SpanContext,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { RequestLog } from "./logger";
import { tracer } from "./telemetry/tracing";

/** Light work that follows a request: losing it to a crash costs little (else it is an event). */
export type AfterResponseWork = () => Promise<void>;

/** What metrics hear: each piece of work's outcome by name, and how much is waiting or running. */
export interface AfterResponseObserver {
  finished(name: string, outcome: "ran" | "failed" | "dropped"): void;
}

export interface AfterResponseSettings {
  /** Pieces of work running at once. */
  concurrency: number;
  /** Pieces waiting for a slot; past that, new work is dropped (and counted). */
  queue: number;
}

export const AFTER_RESPONSE_DEFAULTS: AfterResponseSettings = { concurrency: 4, queue: 256 };

interface Job {
  name: string;
  work: AfterResponseWork;
  log: RequestLog;
  /** The span of the call that asked for it, when recorded: the work's span links to it. */
  link: SpanContext | undefined;
}

/**
 * Bounded, in-process follow-ups of requests (a session's sliding expiry, an API key's last
 * use, a password rehash). Never more than `concurrency` at once nor `queue` waiting, so a
 * burst costs bounded memory and connections; what does not fit is dropped with a warning.
 * Each runs in a span of its own, linked to the request's, and its failure is logged with the
 * request's id. `drain` lets what is queued and running finish, up to a deadline.
 */
export function createAfterResponse(
  settings: AfterResponseSettings,
  observer?: AfterResponseObserver,
) {
  const waiting: Job[] = [];
  let running = 0;
  const idle = new Set<() => void>();

  function start(job: Job) {
    running++;
    const links: Link[] = job.link ? [{ context: job.link }] : [];
    // A root of its own: the request's span has ended, and its timing must not count this.
    const span = tracer().startSpan(
      `after-response ${job.name}`,
      { root: true, links, attributes: { "brisk.after_response.name": job.name } },
      ROOT_CONTEXT,
    );
    context
      .with(trace.setSpan(ROOT_CONTEXT, span), () => Promise.resolve().then(job.work))
      .then(
        () => observer?.finished(job.name, "ran"),
        (error: unknown) => {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          job.log.warn({ err: error, work: job.name }, "work after the response failed");
          observer?.finished(job.name, "failed");
        },
      )
      .finally(() => {
        span.end();
        running--;
        const next = waiting.shift();
        if (next) start(next);
        else if (running === 0) for (const resolve of idle) resolve();
      });
  }

  return {
    /** Runs `work` now if a slot is free, later if the queue has room, else drops it. */
    run(name: string, work: AfterResponseWork, log: RequestLog, link?: SpanContext) {
      const job = { name, work, log, link };
      if (running < settings.concurrency) return start(job);
      if (waiting.length < settings.queue) {
        waiting.push(job);
        return;
      }
      log.warn(
        { work: name, queue: settings.queue },
        "work after the response dropped: queue full",
      );
      observer?.finished(name, "dropped");
    },
    /** Pieces of work running and waiting now. */
    load: () => ({ running, waiting: waiting.length }),
    /**
     * Resolves once nothing is running or waiting, or at `timeoutMs` with what is left
     * (abandoned: the process is going away).
     */
    async drain(timeoutMs: number) {
      if (running === 0 && waiting.length === 0) return { outcome: "done" as const, left: 0 };
      let resolveIdle: () => void = () => {};
      const done = new Promise<"done">((resolve) => {
        resolveIdle = () => resolve("done");
        idle.add(resolveIdle);
      });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, timeoutMs));
      });
      const outcome = await Promise.race([done, deadline]);
      clearTimeout(timer);
      idle.delete(resolveIdle);
      return { outcome, left: running + waiting.length };
    },
  };
}

export type AfterResponse = ReturnType<typeof createAfterResponse>;
