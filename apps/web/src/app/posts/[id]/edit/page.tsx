import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { parseId } from "@/lib/ids";
import { serverCaller } from "@/trpc/server";
import { EditorHeader } from "../../_editor/editor-header";
import { PostForm } from "../../_editor/post-form";

type Params = Promise<{ id: string }>;

/** One in-process call per request, shared by generateMetadata and the page. */
const loadPost = cache(async (raw: string) => {
  await connection();
  const id = parseId(raw);
  if (id === null) notFound();
  try {
    const caller = await serverCaller();
    return await caller.posts.byId({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const post = await loadPost((await params).id);
  return { title: `Edit: ${post.title}` };
}

export default async function EditPostPage({ params }: { params: Params }) {
  const caller = await serverCaller();
  const [post, tags] = await Promise.all([loadPost((await params).id), caller.tags.list()]);

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
        }}
      />
    </>
  );
}
