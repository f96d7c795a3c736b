import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Reports" };

export default function ReportsPage() {
  return <NotBuilt href="/reports" />;
}
