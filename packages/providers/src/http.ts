import {
  createBreaker,
  createBulkhead,
  isBulkheadFull,
  isRefusal,
  isTimeout,
  withTimeout,
} from "@brisk/resilience";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import {
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  retry,
} from "cockatiel";
import { Pool } from "undici";
import type { z } from "zod";
import { isRetryable, MalformedAnswerError, ProviderStatusError, parseRetryAfter } from "./errors";
import type { CallOutcome, ProviderObserver } from "./observer";

export interface ProviderHttpSettings {
  /** Names the provider in spans, metrics and errors. */
  name: string;
  baseUrl: string;
  apiKey: string;
  /** The whole call's budget: every attempt, every backoff and any wait for a slot. */
  timeoutMs: number;
  /** Sockets to the provider and calls running at once (the bulkhead); as many more may wait. */
  concurrency: number;
  breaker: { failureThreshold: number; cooldownMs: number };
  retry: { maxRetries: number; baseMs: number; maxMs: number };
}

/** A call that failed: how it ended and how many attempts it made. */
export class ProviderCallError extends Error {
  constructor(
    readonly provider: string,
    readonly outcome: Exclude<CallOutcome, "ok">,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`${provider}: ${outcome}${cause instanceof Error ? ` (${cause.message})` : ""}`, {
      cause,
    });
    this.name = "ProviderCallError";
  }
}

const tracer = trace.getTracer("brisk-providers");

/** Backoff waits at least what the provider's Retry-After asked for. */
function honouringRetryAfter(
  step: IBackoffFactory<unknown>,
): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return {
    next(context): IBackoff<IRetryBackoffContext<unknown>> {
      const next = step.next(context) as IBackoff<unknown>;
      const error = "error" in context.result ? context.result.error : undefined;
      const asked = error instanceof ProviderStatusError ? (error.retryAfterMs ?? 0) : 0;
      return { duration: Math.max(next.duration, asked), next: honouringRetryAfter(next).next };
    },
  };
}

function outcomeOf(error: unknown): Exclude<CallOutcome, "ok"> {
  if (isTimeout(error)) return "timed-out";
  if (isRefusal(error) || isBulkheadFull(error)) return "refused";
  return "failed";
}

/**
 * One provider's HTTP client: a keep-alive undici pool kept for the process's life, under
 * cockatiel's policies. The order matters: the timeout bounds everything (a wait for a slot
 * included); the bulkhead keeps one slow provider to its own sockets; the breaker counts a
 * call once, after its retries; retries back off exponentially with full jitter, only on
 * errors worth another try, and never wait past the budget for a Retry-After.
 */
export function createProviderHttp(settings: ProviderHttpSettings, observer?: ProviderObserver) {
  const { name, timeoutMs } = settings;
  const pool = new Pool(new URL(settings.baseUrl).origin, {
    connections: settings.concurrency,
    keepAliveTimeout: 30_000,
  });
  const basePath = new URL(settings.baseUrl).pathname.replace(/\/$/, "");
  const bulkhead = createBulkhead(settings.concurrency, settings.concurrency);
  const breaker = createBreaker(settings.breaker);
  const backoff = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: settings.retry.baseMs,
    maxDelay: settings.retry.maxMs,
  });

  async function attempt<T>(path: string, schema: z.ZodType<T>, n: number, signal: AbortSignal) {
    signal.throwIfAborted();
    return tracer.startActiveSpan(
      "provider.attempt",
      { attributes: { "provider.name": name, "provider.attempt": n } },
      async (span) => {
        try {
          const res = await pool.request({
            method: "GET",
            path: basePath + path,
            headers: { "x-api-key": settings.apiKey, accept: "application/json" },
            signal,
          });
          span.setAttribute("http.response.status_code", res.statusCode);
          if (res.statusCode !== 200) {
            await res.body.dump();
            throw new ProviderStatusError(
              res.statusCode,
              parseRetryAfter(res.headers["retry-after"]),
            );
          }
          const text = await res.body.text();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw new MalformedAnswerError("not JSON");
          }
          const parsed = schema.safeParse(body);
          if (!parsed.success)
            throw new MalformedAnswerError(parsed.error.issues[0]?.message ?? "");
          span.setAttribute("provider.status", "ok");
          return parsed.data;
        } catch (error) {
          span.setAttribute("provider.status", "failed");
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  return {
    name,
    timeoutMs,
    get breakerState() {
      return breaker.state;
    },
    /**
     * GETs `path` (under the base URL) and validates the answer with `schema`. Resolves with
     * the value and the attempts made; rejects with a ProviderCallError within `timeoutMs`.
     */
    async get<T>(path: string, schema: z.ZodType<T>): Promise<{ value: T; attempts: number }> {
      const started = performance.now();
      const deadline = started + timeoutMs;
      let attempts = 0;
      const policy = retry(
        handleWhen(
          (error) =>
            isRetryable(error) &&
            ((error as ProviderStatusError).retryAfterMs ?? 0) < deadline - performance.now(),
        ),
        { maxAttempts: settings.retry.maxRetries, backoff: honouringRetryAfter(backoff) },
      );
      policy.onRetry(() => observer?.retried(name));
      try {
        const value = await withTimeout(timeoutMs, (signal) =>
          bulkhead.execute(
            () =>
              breaker.execute(() =>
                policy.execute((context) => {
                  attempts = context.attempt + 1;
                  return attempt(path, schema, attempts, context.signal);
                }, signal),
              ),
            signal,
          ),
        );
        observer?.called(name, "ok", (performance.now() - started) / 1000);
        return { value, attempts };
      } catch (error) {
        const outcome = outcomeOf(error);
        observer?.called(name, outcome, (performance.now() - started) / 1000);
        throw new ProviderCallError(name, outcome, attempts, error);
      }
    },
    close() {
      return pool.close();
    },
  };
}

export type ProviderHttp = ReturnType<typeof createProviderHttp>;
