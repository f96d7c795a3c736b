import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useTRPC } from "@/trpc/react";

/** What the editor does after a successful write: cached lists go stale, maybe back to one. */
export function usePostsChanged() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [leaving, startLeaving] = useTransition();

  // Every cached filter may hold the post; the next list shown refetches instead of showing
  // it as it was, also when reached with the browser's back button (Next reuses that page).
  const invalidateLists = () => void queryClient.invalidateQueries(trpc.posts.list.pathFilter());

  const backToList = () => {
    invalidateLists();
    startLeaving(() => {
      // Next keeps the scroll offset when the next page is long enough to still be visible
      // there, but the post just written is at the top of the list.
      window.scrollTo({ top: 0 });
      router.push("/posts");
    });
  };

  return { invalidateLists, backToList, leaving };
}
