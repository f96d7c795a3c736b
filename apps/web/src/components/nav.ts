export interface NavItem {
  href: string;
  label: string;
  /** Only for a page not built yet: what it will give the user, told to them there. */
  soon?: string;
  /** Shown to admins only: everyone else would find a page telling them it is not theirs. */
  admin?: true;
}

/** The dashboard's pages, in sidebar order. */
export const mainNav: NavItem[] = [
  { href: "/authors", label: "Authors" },
  { href: "/posts", label: "Posts" },
  { href: "/tags", label: "Tags" },
  {
    href: "/reports",
    label: "Reports",
    soon: "Reports are on their way: order an analytics report for one author or for the whole workspace, watch its progress live, and download past reports as PDF.",
  },
  { href: "/jobs", label: "Jobs", admin: true },
  { href: "/ops", label: "Ops", admin: true },
  { href: "/api-keys", label: "API keys", admin: true },
  { href: "/mailbox", label: "Dev mailbox", admin: true },
];

export function navItem(href: string): NavItem {
  const item = mainNav.find((entry) => entry.href === href);
  if (!item) throw new Error(`No navigation entry for ${href}`);
  return item;
}
