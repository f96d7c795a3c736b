"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import type { PostStatus, PostsFilter } from "@/features/posts/filter";
import { tagColour } from "@/features/posts/tag-chip";
import { useTRPC } from "@/trpc/react";

const statusOptions: { label: string; value: PostStatus | undefined }[] = [
  { label: "All", value: undefined },
  { label: "Published", value: "published" },
  { label: "Drafts", value: "draft" },
];

export function PostsFilters({
  filter,
  onChange,
}: {
  filter: PostsFilter;
  onChange: (next: PostsFilter) => void;
}) {
  const trpc = useTRPC();
  const { data: tags } = useSuspenseQuery(trpc.tags.list.queryOptions());

  return (
    <div className="filters">
      <fieldset className="filter-group">
        <legend className="filter-label">Status</legend>
        <div className="segmented">
          {statusOptions.map((option) => (
            <button
              key={option.label}
              type="button"
              className="segment"
              aria-pressed={filter.status === option.value}
              onClick={() => onChange({ ...filter, status: option.value })}
            >
              {option.label}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className="filter-group">
        <legend className="filter-label">Tag</legend>
        <div className="tag-options">
          <button
            type="button"
            className="tag-chip tag-option tag-option-all"
            aria-pressed={filter.tag === undefined}
            onClick={() => onChange({ ...filter, tag: undefined })}
          >
            All tags
          </button>
          {tags.map((tag) => {
            const active = filter.tag === tag.slug;
            return (
              <button
                key={tag.id}
                type="button"
                className="tag-chip tag-option"
                style={tagColour(tag.colour)}
                aria-pressed={active}
                // Pressing the chosen tag again goes back to every tag, as chips usually do.
                onClick={() => onChange({ ...filter, tag: active ? undefined : tag.slug })}
              >
                <span className="tag-dot" aria-hidden="true" />
                {tag.name}
              </button>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
