import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Posts" };

export default function PostsPage() {
  return <NotBuilt href="/posts" />;
}
