import path from "node:path";

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) that the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One call stack prefix: every sample whose stack starts with the path to this frame. */
export interface Frame {
  name: string;
  /** `file:line` relative to the repository or to the package; empty for V8's own entries. */
  location: string;
  pkg: string;
  selfUs: number;
  totalUs: number;
  children: Frame[];
}

export interface Summary {
  root: Frame;
  totalUs: number;
  functions: { name: string; location: string; pkg: string; selfUs: number }[];
  packages: { pkg: string; selfUs: number }[];
}

/**
 * Where a frame's code lives: `node_modules/<pkg>`, `node internals`, a workspace folder
 * (`apps/api`, which holds the bundled workspace code), `(native)` (V8 builtins and Node's
 * C++ bindings, which have no script), or V8's own `(garbage collector)`, `(idle)`, `(program)`.
 */
function packageOf(functionName: string, url: string, repoRoot: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [first = "", second = ""] = url.slice(modules + "/node_modules/".length).split("/");
    return `node_modules/${first.startsWith("@") ? `${first}/${second}` : first}`;
  }
  if (url.startsWith("node:")) return "node internals";
  const file = url.startsWith("file://") ? new URL(url).pathname : url;
  const relative = path.relative(repoRoot, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return "other";
  return relative.split(path.sep).slice(0, 2).join("/");
}

function locationOf(url: string, line: number, repoRoot: string): string {
  if (url === "") return "";
  const modules = url.lastIndexOf("/node_modules/");
  let file = url;
  if (modules >= 0) file = url.slice(modules + 1);
  else if (url.startsWith("file://")) file = path.relative(repoRoot, new URL(url).pathname);
  return `${file}:${line + 1}`;
}

/** Time per sample: from its timestamp to the next one (the last runs to the profile's end). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => {
    at += delta;
    return at;
  });
  profile.samples.forEach((id, i) => {
    const next = stamps[i + 1] ?? profile.endTime;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, next - stamps[i]!));
  });
  return self;
}

/**
 * Merges V8's node tree by call stack (V8 may keep one function twice under one parent, by
 * line), and totals self and child time per frame and per function and package.
 */
export function summarise(profile: CpuProfile, repoRoot: string): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const rootNode = profile.nodes.find((node) => !childIds.has(node.id));
  if (!rootNode) throw new Error("profile has no root node");
  const self = selfTimes(profile);
  const functions = new Map<string, Summary["functions"][number]>();
  const packages = new Map<string, number>();

  const makeFrame = (name: string, location: string, pkg: string): Frame => ({
    name,
    location,
    pkg,
    selfUs: 0,
    totalUs: 0,
    children: [],
  });
  const root = makeFrame("all", "", "(root)");
  const lookup = new Map<Frame, Map<string, Frame>>();

  const visit = (id: number, parent: Frame) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    const key = `${name}\0${url}\0${lineNumber}\0${columnNumber}`;
    const siblings = lookup.get(parent) ?? new Map<string, Frame>();
    lookup.set(parent, siblings);
    let frame = siblings.get(key);
    if (!frame) {
      const pkg = packageOf(functionName, url, repoRoot);
      frame = makeFrame(name, locationOf(url, lineNumber, repoRoot), pkg);
      siblings.set(key, frame);
      parent.children.push(frame);
    }
    const us = self.get(id) ?? 0;
    frame.selfUs += us;
    if (us > 0) {
      const fn = functions.get(key) ?? {
        name,
        location: frame.location,
        pkg: frame.pkg,
        selfUs: 0,
      };
      fn.selfUs += us;
      functions.set(key, fn);
      packages.set(frame.pkg, (packages.get(frame.pkg) ?? 0) + us);
    }
    for (const child of node.children ?? []) visit(child, frame);
  };
  for (const child of rootNode.children ?? []) visit(child, root);

  const total = (frame: Frame): number => {
    frame.totalUs = frame.selfUs + frame.children.reduce((sum, child) => sum + total(child), 0);
    frame.children.sort((a, b) => b.totalUs - a.totalUs);
    return frame.totalUs;
  };
  const totalUs = total(root);
  return {
    root,
    totalUs,
    functions: [...functions.values()].sort((a, b) => b.selfUs - a.selfUs),
    packages: [...packages.entries()]
      .map(([pkg, selfUs]) => ({ pkg, selfUs }))
      .sort((a, b) => b.selfUs - a.selfUs),
  };
}
