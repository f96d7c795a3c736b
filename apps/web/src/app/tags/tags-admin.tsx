"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import ui from "@/components/ui.module.css";
import { isAdmin } from "@/features/account/viewer";
import { useViewer } from "@/features/account/viewer-context";
import { useTRPC } from "@/trpc/react";
import { NewTagForm } from "./new-tag-form";
import { TagRow } from "./tag-row";
import styles from "./tags-admin.module.css";

export function TagsAdmin() {
  const trpc = useTRPC();
  const { data: tags } = useSuspenseQuery(trpc.tags.list.queryOptions());
  // Changing tags is for admins (tags.create, update and delete refuse anyone else).
  const editable = isAdmin(useViewer());

  return (
    <>
      {editable ? <NewTagForm /> : null}

      <section aria-labelledby="tags-title">
        <div className={styles.sectionHeadingRow}>
          <h2 id="tags-title" className={ui.sectionTitle}>
            All tags
          </h2>
          <p className={clsx(ui.muted, ui.small)} aria-live="polite">
            {tags.length} {tags.length === 1 ? "tag" : "tags"}, by name
          </p>
        </div>

        {tags.length === 0 ? (
          <div className={clsx(ui.panel, ui.state)} data-testid="tags-empty">
            <h2>No tags yet</h2>
            <p className={ui.muted}>
              Posts are filed under tags.{" "}
              {editable
                ? "Add the first one with the form above; it shows up here and in the Posts page's tag filter."
                : "An admin adds them; they show up here and in the Posts page's tag filter."}
            </p>
          </div>
        ) : (
          <div className={clsx(ui.card, styles.tableCard)}>
            <table className={styles.tagTable} aria-labelledby="tags-title">
              <thead>
                <tr>
                  <th scope="col">Tag</th>
                  <th scope="col">Slug</th>
                  <th scope="col" className={styles.tagColColour}>
                    Colour
                  </th>
                  {editable ? (
                    <th scope="col" className={styles.tagColActions}>
                      <span className={ui.visuallyHidden}>Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {tags.map((tag) => (
                  <TagRow key={tag.id} tag={tag} editable={editable} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
