import type { Page } from "playwright-core";

/** Requests the browser sends to the api, through the dashboard's /trpc route. */
export function recordApiCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/trpc/")) calls.push(url.pathname);
  });
  return calls;
}
