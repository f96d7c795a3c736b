"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { NewTagForm } from "./new-tag-form";
import { TagRow } from "./tag-row";

export function TagsAdmin() {
  const trpc = useTRPC();
  const { data: tags } = useSuspenseQuery(trpc.tags.list.queryOptions());

  return (
    <>
      <NewTagForm />

      <section className="tags-section" aria-labelledby="tags-title">
        <div className="section-heading-row">
          <h2 id="tags-title" className="section-title">
            All tags
          </h2>
          <p className="muted small" aria-live="polite">
            {tags.length} {tags.length === 1 ? "tag" : "tags"}, by name
          </p>
        </div>

        {tags.length === 0 ? (
          <div className="panel state" data-testid="tags-empty">
            <h2>No tags yet</h2>
            <p className="muted">
              Posts are filed under tags. Add the first one with the form above; it shows up here
              and in the Posts page's tag filter.
            </p>
          </div>
        ) : (
          <div className="card table-card">
            <table className="tag-table" aria-labelledby="tags-title">
              <thead>
                <tr>
                  <th scope="col">Tag</th>
                  <th scope="col">Slug</th>
                  <th scope="col" className="tag-col-colour">
                    Colour
                  </th>
                  <th scope="col" className="tag-col-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tags.map((tag) => (
                  <TagRow key={tag.id} tag={tag} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
