import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { accountNav, mainNav } from "@/components/nav";
import { SidebarNav } from "@/components/sidebar-nav";
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

export default function RootLayout({ children }: { children: ReactNode }) {
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
              <SidebarNav items={mainNav} label="Workspace" />
              <SidebarNav items={accountNav} label="Account" />
            </nav>
          </aside>
          <main className={styles.content}>
            <TRPCReactProvider>{children}</TRPCReactProvider>
          </main>
        </div>
      </body>
    </html>
  );
}
