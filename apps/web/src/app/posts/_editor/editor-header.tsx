import Link from "next/link";

export function EditorHeader({ title }: { title: string }) {
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link href="/posts">Posts</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{title}</span>
      </nav>
      <header className="page-header">
        <h1>{title}</h1>
      </header>
    </>
  );
}
