import type { Metadata } from "next";
import { connection } from "next/server";
import { postAuthorsInput } from "@/features/posts/queries";
import { serverCaller } from "@/trpc/server";
import { EditorHeader } from "../_editor/editor-header";
import { PostForm } from "../_editor/post-form";

export const metadata: Metadata = { title: "New post" };

export default async function NewPostPage() {
  await connection();
  const caller = await serverCaller();
  const [tags, authors] = await Promise.all([
    caller.tags.list(),
    caller.users.list(postAuthorsInput),
  ]);

  return (
    <>
      <EditorHeader title="New post" />
      <PostForm
        mode="create"
        tags={tags}
        authors={authors.items.map(({ id, name }) => ({ id, name }))}
      />
    </>
  );
}
