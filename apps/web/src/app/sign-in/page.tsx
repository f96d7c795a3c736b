import type { Metadata } from "next";
import { NotBuilt } from "@/components/not-built";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return <NotBuilt href="/sign-in" />;
}
