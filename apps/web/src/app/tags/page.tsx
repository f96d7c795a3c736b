import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Tags" };

export default function TagsPage() {
  return <NotBuilt href="/tags" />;
}
