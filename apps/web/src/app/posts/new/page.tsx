import type { Metadata } from "next";
import { connection } from "next/server";
import { serverEnv } from "@/env";
import { postAuthorsInput } from "@/features/posts/queries";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import { EditorHeader } from "../_editor/editor-header";
import { PostForm } from "../_editor/post-form";

export const metadata: Metadata = { title: "New post" };

export default async function NewPostPage() {
  await connection();
  const viewer = await requireViewer("/posts/new");
  const caller = await serverCaller();
  // Only an admin picks the author; a member's post is theirs, so nobody else is listed.
  const [tags, authors] = await Promise.all([
    caller.tags.list(),
    viewer.role === "admin" ? caller.users.list(postAuthorsInput) : null,
  ]);
  const options = authors?.items.map(({ id, name }) => ({ id, name })) ?? null;
  // The first page of users may not reach the admin's own id; they are always on offer.
  if (options && !options.some((option) => option.id === viewer.id)) {
    options.unshift({ id: viewer.id, name: viewer.name });
  }

  return (
    <>
      <EditorHeader title="New post" />
      <PostForm
        mode="create"
        tags={tags}
        authors={options}
        self={viewer.id}
        maxCoverBytes={serverEnv().MEDIA_MAX_BYTES}
      />
    </>
  );
}
