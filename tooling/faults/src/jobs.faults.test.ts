import { until } from "@brisk/test-env/processes";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_INS, startMixedLoad, tally } from "./load";
import { note } from "./note";
import { type Stack, startStack } from "./stack";

/** Every message the SMTP server accepted (250 after DATA), by recipient. */
const accepted = new Map<string, number>();
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    stream.resume();
    stream.on("end", () => {
      for (const { address } of session.envelope.rcptTo) {
        accepted.set(address, (accepted.get(address) ?? 0) + 1);
      }
      callback();
    });
  },
});

let stack: Stack;
let token: string;
beforeAll(async () => {
  const port = await new Promise<number>((resolve) =>
    smtp.listen(0, "127.0.0.1", () => resolve((smtp.server.address() as { port: number }).port)),
  );
  stack = await startStack({
    instances: 2,
    redis: true,
    jobs: true,
    apiEnv: { SMTP_URL: `smtp://127.0.0.1:${port}` },
  });
  token = await stack.signIn();
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe("the Inngest executor killed mid-run under mixed load", () => {
  it("resumes every run after a restart, and every invitation is emailed exactly once", async () => {
    const load = startMixedLoad({
      url: stack.url,
      token,
      connections: 8,
      tag: "executor-kill",
      users: 200,
      mix: { "sign-in": SIGN_INS, invite: 10, report: 1 },
      thinkMs: 10,
    });
    const invitedSoFar = () =>
      load.outcomes.filter((o) => o.op === "invite" && o.status === 200).length;
    try {
      // Runs under way: some invitations emailed, more accepted than emailed.
      await until("invitations emailed before the crash", () =>
        accepted.size >= 5 && invitedSoFar() > accepted.size + 3 ? true : undefined,
      );
      await stack.executor.kill();
      const atCrash = invitedSoFar();
      await until("invitations accepted while the executor is down", () =>
        invitedSoFar() >= atCrash + 10 ? true : undefined,
      );
      await stack.executor.start();
      await until("invitations emailed after the restart", () =>
        accepted.size > atCrash ? true : undefined,
      );
    } finally {
      await load.stop();
    }
    expect(load.failures(), JSON.stringify(tally(load.outcomes))).toEqual([]);

    const invited = load.outcomes.filter((o) => o.op === "invite").map((o) => o.title!);
    await until(
      "every invitation emailed",
      () => (invited.every((email) => accepted.has(email)) ? true : undefined),
      {
        timeoutMs: 120_000,
        context: () =>
          `${invited.filter((e) => !accepted.has(e)).length} of ${invited.length} not emailed\n${stack.executor.output().slice(-3_000)}`,
      },
    );
    const twice = invited.filter((email) => accepted.get(email) !== 1);
    expect(twice).toEqual([]);
    // The reports ordered meanwhile ran to their end too.
    await until(
      "every report finished",
      async () => {
        const [row] = await stack.sql<{ open: number }[]>`
          select count(*)::int as open from reports where status in ('queued', 'running')`;
        return row!.open === 0 ? true : undefined;
      },
      { timeoutMs: 120_000 },
    );
    note(`executor killed: ${invited.length} invitations, each emailed once`, tally(load.outcomes));
  });
});
