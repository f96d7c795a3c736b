import type { AddressInfo } from "node:net";
import { useTestDatabase } from "@brisk/db/testing/database";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmailTransport, type OutgoingEmail } from "./transport";

const database = useTestDatabase();
const from = "Brisk <no-reply@brisk.test>";

/** A real SMTP server; `refuse` makes it answer 451 to the message, as a busy server would. */
const smtp = { received: [] as string[], refuse: false, port: 0 };
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    let message = "";
    stream.on("data", (chunk: Buffer) => {
      message += chunk.toString("utf8");
    });
    stream.on("end", () => {
      if (smtp.refuse) {
        callback(Object.assign(new Error("try again later"), { responseCode: 451 }));
        return;
      }
      smtp.received.push(message);
      callback();
    });
  },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  smtp.port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function email(key: string): OutgoingEmail {
  return {
    to: `${key.replace(/\W/g, "")}@example.com`,
    subject: "Hello",
    text: "Hello",
    html: "<p>Hello</p>",
    kind: "test",
    idempotencyKey: key,
  };
}

const rows = (key: string) =>
  database.handle
    .sql`select status, sent_at is not null as sent from emails where idempotency_key = ${key}`;

describe("the dev mailbox", () => {
  it("stores each key's email once, as sent, however often or concurrently it is sent", async () => {
    const mailbox = createEmailTransport(database.handle.db, { transport: "mailbox", from });
    const outcomes = await Promise.all([1, 2, 3].map(() => mailbox.send(email("mailbox:1"))));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "sent"]);
    expect(await rows("mailbox:1")).toEqual([{ status: "sent", sent: true }]);
  });
});

describe("SMTP", () => {
  const transport = () =>
    createEmailTransport(database.handle.db, {
      transport: "smtp",
      url: `smtp://127.0.0.1:${smtp.port}`,
      from,
    });

  it("sends through the server, records the email as sent, and sends nothing for the key again", async () => {
    const sender = transport();
    try {
      expect(await sender.send(email("smtp:1"))).toBe("sent");
      expect(await sender.send(email("smtp:1"))).toBe("duplicate");
      const mine = smtp.received.filter((m) => m.includes("smtp1@example.com"));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain("Message-ID: <smtp.1@brisk>");
      expect(await rows("smtp:1")).toEqual([{ status: "sent", sent: true }]);
    } finally {
      sender.close();
    }
  });

  it("leaves a refused email queued, and a retry sends it", async () => {
    const sender = transport();
    try {
      smtp.refuse = true;
      await expect(sender.send(email("smtp:2"))).rejects.toThrow(/try again later/);
      expect(await rows("smtp:2")).toEqual([{ status: "queued", sent: false }]);
      smtp.refuse = false;
      expect(await sender.send(email("smtp:2"))).toBe("sent");
      expect(smtp.received.filter((m) => m.includes("smtp2@example.com"))).toHaveLength(1);
      expect(await rows("smtp:2")).toEqual([{ status: "sent", sent: true }]);
    } finally {
      sender.close();
    }
  });
});
