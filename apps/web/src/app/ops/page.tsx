import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Ops" };

export default function OpsPage() {
  return <NotBuilt href="/ops" />;
}
