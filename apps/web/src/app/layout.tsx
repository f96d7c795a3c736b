import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { accountNav, mainNav } from "@/components/nav";
import { SidebarNav } from "@/components/sidebar-nav";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

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
        <div className="shell">
          <aside className="sidebar">
            <Link href="/authors" className="wordmark" aria-label="Brisk home">
              <span className="wordmark-mark" aria-hidden="true">
                B
              </span>
              <span className="wordmark-text">Brisk</span>
            </Link>
            <nav className="sidebar-nav" aria-label="Dashboard">
              <SidebarNav items={mainNav} label="Workspace" />
              <SidebarNav items={accountNav} label="Account" />
            </nav>
          </aside>
          <main className="content">
            <TRPCReactProvider>{children}</TRPCReactProvider>
          </main>
        </div>
      </body>
    </html>
  );
}
