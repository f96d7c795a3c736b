export interface NavItem {
  href: string;
  label: string;
  /** What the page is for, shown on pages that are not built yet. */
  summary: string;
}

/** Every dashboard page of PRODUCT.md, in sidebar order. */
export const mainNav: NavItem[] = [
  { href: "/authors", label: "Authors", summary: "Every author, with their recent posts." },
  {
    href: "/posts",
    label: "Posts",
    summary: "Browse posts, filter them by tag, and write or edit them with a cover image upload.",
  },
  {
    href: "/tags",
    label: "Tags",
    summary:
      "Admin only: manage the reference tags (name, slug, colour) that posts are filed under.",
  },
  {
    href: "/reports",
    label: "Reports",
    summary:
      "Order an analytics report for one author or the whole workspace, watch its progress live, and download past reports as PDF.",
  },
  {
    href: "/jobs",
    label: "Jobs",
    summary:
      "Background job runs with their steps and status, and a retry button for failed ones (local runs; production uses the Inngest console).",
  },
  {
    href: "/ops",
    label: "Ops",
    summary:
      "Charts of latency percentiles per procedure, throughput, errors, cache hit ratio, database pool use, event-loop lag and provider health.",
  },
  {
    href: "/mailbox",
    label: "Dev mailbox",
    summary:
      "The emails the app has sent (welcome, report ready) when running in embedded mode, stored in Postgres instead of going out over SMTP.",
  },
];

export const accountNav: NavItem[] = [
  {
    href: "/sign-in",
    label: "Sign in",
    summary: "Sign in or create an account; sessions last 15 minutes and slide with activity.",
  },
];

export function navItem(href: string): NavItem {
  const item = [...mainNav, ...accountNav].find((entry) => entry.href === href);
  if (!item) throw new Error(`No navigation entry for ${href}`);
  return item;
}
