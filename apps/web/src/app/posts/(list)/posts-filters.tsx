"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import forms from "@/components/form.module.css";
import type { PostStatus, PostsFilter } from "@/features/posts/filter";
import { tagColour } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";
import { useTRPC } from "@/trpc/react";
import styles from "./posts-filters.module.css";

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
    <div className={styles.filters}>
      <fieldset className={styles.filterGroup}>
        <legend className={styles.filterLabel}>Status</legend>
        <div className={forms.segmented}>
          {statusOptions.map((option) => (
            <button
              key={option.label}
              type="button"
              className={forms.segment}
              aria-pressed={filter.status === option.value}
              onClick={() => onChange({ ...filter, status: option.value })}
            >
              {option.label}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className={styles.filterGroup}>
        <legend className={styles.filterLabel}>Tag</legend>
        <div className={clsx(chip.tagOptions, styles.tagScroller)}>
          <button
            type="button"
            className={clsx(chip.tagChip, chip.tagOption, chip.tagOptionAll)}
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
                className={clsx(chip.tagChip, chip.tagOption)}
                style={tagColour(tag.colour)}
                aria-pressed={active}
                // Pressing the chosen tag again goes back to every tag, as chips usually do.
                onClick={() => onChange({ ...filter, tag: active ? undefined : tag.slug })}
              >
                <span className={chip.tagDot} aria-hidden="true" />
                {tag.name}
              </button>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
