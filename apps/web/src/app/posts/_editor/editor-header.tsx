import Link from "next/link";
import ui from "@/components/ui.module.css";

export function EditorHeader({ title }: { title: string }) {
  return (
    <>
      <nav className={ui.breadcrumb} aria-label="Breadcrumb">
        <Link href="/posts">Posts</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{title}</span>
      </nav>
      <header className={ui.pageHeader}>
        <h1>{title}</h1>
      </header>
    </>
  );
}
