import type { StatementHook } from "@brisk/db";
import type { Metrics } from "./metrics";
import { addDatabaseTime } from "./request-scope";
import { recordStatementSpan } from "./tracing";

/** Where a finished SQL statement goes: its histogram, the request's Server-Timing, a span. */
export function observeStatements(
  metrics: Metrics | undefined,
  databaseName: string,
): StatementHook {
  return (statement, seconds, ok, rows, target) => {
    metrics?.statementFinished(seconds, ok, target);
    addDatabaseTime(seconds);
    recordStatementSpan(statement, seconds, ok, rows, databaseName);
  };
}
