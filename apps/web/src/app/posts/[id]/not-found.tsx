import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

export default function PostNotFound() {
  return (
    <section className={clsx(ui.panel, ui.state)}>
      <h1>Post not found</h1>
      <p className={ui.muted}>
        No post has that id. It may have been deleted, or the link is wrong.
      </p>
      <Link href="/posts" className={ui.button}>
        Back to Posts
      </Link>
    </section>
  );
}
