"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { Viewer } from "./viewer";

const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in user, for client components deciding which actions to offer. */
export function ViewerProvider({
  viewer,
  children,
}: {
  viewer: Viewer | null;
  children: ReactNode;
}) {
  return <ViewerContext value={viewer}>{children}</ViewerContext>;
}

export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}
