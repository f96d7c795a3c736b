// What the gitignored next-env.d.ts would give, so `tsc --noEmit` works on a fresh checkout
// (before `next dev` or `next build` has written that file).
/// <reference types="next" />
/// <reference types="next/image-types/global" />
