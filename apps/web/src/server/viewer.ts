import "server-only";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import type { Viewer } from "@/features/account/viewer";
import { signInHref } from "@/lib/next-path";
import { serverCaller } from "@/trpc/server";

/**
 * Who this request is from, asked of the router in process (auth.me), once per request. An
 * API key sent to the dashboard is not a dashboard user: it signs nobody in here.
 */
export const currentViewer = cache(async (): Promise<Viewer | null> => {
  // Per request, never at build time: every page shows who is signed in.
  await connection();
  const me = await (await serverCaller()).auth.me();
  if (me?.kind !== "user") return null;
  return { id: me.id, name: me.name, role: me.role };
});

/** For a page that needs an account: sends anyone signed out to sign in, then back to `path`. */
export async function requireViewer(path: string): Promise<Viewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect(signInHref(path));
  return viewer;
}
