import { TRPCError } from "@trpc/server";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import ui from "@/components/ui.module.css";
import { serverEnv } from "@/env";
import { mayChange } from "@/features/account/viewer";
import { parseId } from "@/lib/ids";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import { EditorHeader } from "../../_editor/editor-header";
import { PostForm } from "../../_editor/post-form";

type Params = Promise<{ id: string }>;

/**
 * One in-process call per request, shared by generateMetadata and the page. Signed out, the
 * editor sends to sign-in first: a draft would otherwise be a 404 until then.
 */
const loadPost = cache(async (raw: string) => {
  await connection();
  const id = parseId(raw);
  if (id === null) notFound();
  const viewer = await requireViewer(`/posts/${id}/edit`);
  try {
    const caller = await serverCaller();
    return { viewer, post: await caller.posts.byId({ id }) };
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { post } = await loadPost((await params).id);
  return { title: `Edit: ${post.title}` };
}

export default async function EditPostPage({ params }: { params: Params }) {
  const caller = await serverCaller();
  const [{ viewer, post }, tags] = await Promise.all([
    loadPost((await params).id),
    caller.tags.list(),
  ]);

  if (!mayChange(viewer, post.author.id)) {
    return (
      <>
        <EditorHeader title="Edit post" />
        <section className={clsx(ui.panel, ui.state)} data-testid="not-yours">
          <h2>This post is {post.author.name}'s</h2>
          <p className={ui.muted}>
            Only a post's author or an admin can change it. You can still read it, or write one of
            your own.
          </p>
          <div className={ui.actions}>
            <Link href={`/posts/${post.id}`} className={ui.button}>
              Read the post
            </Link>
            <Link href="/posts/new" className={clsx(ui.button, ui.buttonSecondary)}>
              Write a post
            </Link>
          </div>
        </section>
      </>
    );
  }

  return (
    <>
      <EditorHeader title="Edit post" />
      <PostForm
        mode="edit"
        tags={tags}
        post={{
          id: post.id,
          title: post.title,
          body: post.body,
          status: post.status,
          tagIds: post.tags.map((tag) => tag.id),
          cover: post.cover,
        }}
        maxCoverBytes={serverEnv().MEDIA_MAX_BYTES}
      />
    </>
  );
}
