/** The Reports page's list, as the server prefetches it and the browser reads it again. */
export const REPORTS_LIST_INPUT = { limit: 20 } as const;
