/** Next calls this once per server process, before it serves anything. */
export async function register() {
  // NEXT_RUNTIME is not configuration but Next's build target, inlined at compile time: the
  // edge build drops this branch, and with it the Node-only SDK.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerTracing } = await import("./server/tracing");
    startServerTracing();
  }
}
