import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return <NotBuilt href="/jobs" />;
}
