import { clsx } from "clsx";
import type { ReactNode } from "react";
import { apiMessage } from "@/lib/api-errors";
import styles from "./list-footer.module.css";
import ui from "./ui.module.css";

/** The parts of a TanStack infinite query that its footer needs. */
interface InfinitePages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * The foot of an infinite list: "Load more" (over HTTP), why it failed, what shows once
 * everything is loaded, and how many rows are on screen.
 */
export function ListFooter({
  pages,
  shown,
  noun,
  end,
}: {
  pages: InfinitePages;
  shown: number;
  noun: { one: string; many: string };
  end: ReactNode;
}) {
  return (
    <div className={styles.listFooter}>
      {pages.isFetchNextPageError ? (
        <p className={ui.inlineError} role="alert">
          Could not load more {noun.many}:{" "}
          {apiMessage(pages.error) ?? "the api could not be reached. Try again in a moment."}
        </p>
      ) : null}
      {pages.hasNextPage ? (
        <button
          type="button"
          className={ui.button}
          onClick={() => void pages.fetchNextPage()}
          disabled={pages.isFetchingNextPage}
          aria-busy={pages.isFetchingNextPage}
        >
          {pages.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : (
        end
      )}
      <p className={clsx(ui.muted, ui.small)} aria-live="polite">
        Showing {shown} {shown === 1 ? noun.one : noun.many}
      </p>
    </div>
  );
}
