import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { unstable_rethrow } from "next/navigation";
import type { ReactNode } from "react";
import { mainNav } from "@/components/nav";
import { SidebarNav } from "@/components/sidebar-nav";
import { UserMenu } from "@/components/user-menu";
import type { Viewer } from "@/features/account/viewer";
import { ViewerProvider } from "@/features/account/viewer-context";
import { getRuntime } from "@/server/runtime";
import { currentViewer } from "@/server/viewer";
import { TRPCReactProvider } from "@/trpc/react";
import "./tokens.css";
import "./globals.css";
import styles from "./layout.module.css";

export const metadata: Metadata = {
  title: { default: "Brisk", template: "%s · Brisk" },
  description: "Brisk: a publishing workspace whose API stays fast in production.",
};

export const viewport: Viewport = {
  themeColor: "#0f172a",
};

/**
 * The signed-in user, or why it is unknown. A page that needs them asks again and fails on
 * its own error page; the shell around it still renders, showing nobody signed in.
 */
async function viewerForShell(): Promise<{ viewer: Viewer | null; unavailable: boolean }> {
  try {
    return { viewer: await currentViewer(), unavailable: false };
  } catch (error) {
    unstable_rethrow(error);
    getRuntime().log.warn({ err: error }, "could not resolve the signed-in user");
    return { viewer: null, unavailable: true };
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { viewer, unavailable } = await viewerForShell();
  const nav = mainNav.filter((item) => !item.admin || viewer?.role === "admin");
  return (
    <html lang="en">
      <body>
        <div className={styles.shell}>
          <aside className={styles.sidebar}>
            <Link href="/authors" className={styles.wordmark} aria-label="Brisk home">
              <span className={styles.wordmarkMark} aria-hidden="true">
                B
              </span>
              <span className={styles.wordmarkText}>Brisk</span>
            </Link>
            <nav className={styles.sidebarNav} aria-label="Dashboard">
              <SidebarNav items={nav} label="Workspace" />
            </nav>
            <UserMenu viewer={viewer} unavailable={unavailable} />
          </aside>
          <main className={styles.content}>
            {/* One browser cache per user: what one user was shown never shows to the next. */}
            <TRPCReactProvider owner={viewer ? `user:${viewer.id}` : "anonymous"}>
              <ViewerProvider viewer={viewer}>{children}</ViewerProvider>
            </TRPCReactProvider>
          </main>
        </div>
      </body>
    </html>
  );
}
