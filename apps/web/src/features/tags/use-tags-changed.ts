import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

/**
 * What follows a successful tag write: the tag list goes stale, and so do the cached posts
 * lists when a tag they show as a chip was renamed, recoloured or deleted. The promise
 * settles once the visible tag list is fetched again, so a mutation that returns it from
 * onSuccess stays pending until the change is on screen.
 */
export function useTagsChanged() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  return ({ chips }: { chips: boolean }) =>
    Promise.all([
      queryClient.invalidateQueries(trpc.tags.list.pathFilter()),
      chips ? queryClient.invalidateQueries(trpc.posts.list.pathFilter()) : null,
    ]);
}
