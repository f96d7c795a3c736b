import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Dev mailbox" };

export default function DevMailboxPage() {
  return <NotBuilt href="/mailbox" />;
}
