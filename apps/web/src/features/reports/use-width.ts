"use client";

import { type RefObject, useEffect, useState } from "react";

/** An element's content width, followed as the layout changes (charts are drawn to it). */
export function useWidth(ref: RefObject<HTMLElement | null>, initial = 640) {
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
