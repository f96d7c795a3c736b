import { Session } from "node:inspector/promises";

let running = false;

/**
 * A CPU profile of this process for `seconds`, in Chrome's .cpuprofile format (open it in
 * Chrome DevTools or speedscope). One at a time: a second request is refused, not queued.
 */
export async function takeCpuProfile(seconds: number): Promise<object | null> {
  if (running) return null;
  running = true;
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { profile } = await session.post("Profiler.stop");
    return profile;
  } finally {
    session.disconnect();
    running = false;
  }
}
