import http from "node:http";
import { createDb } from "@brisk/db";
import { insertUser } from "@brisk/db/queries/auth";
import { insertInvitation } from "@brisk/db/queries/invitations";
import { insertOutboxEvent } from "@brisk/db/queries/outbox";
import { loadServerEnv } from "../env";
import { send, serve } from "./shape";

/**
 * The `ceiling-invite` baseline for W4: node:http and Brisk's own Drizzle queries, the member,
 * the invitation and the outbox row in one transaction, answering the JSON `users.invite`
 * does. No tRPC, no API key to check, no relay: its outbox rows stay unsent.
 */
const env = loadServerEnv();
const { db, close } = createDb({ url: env.DATABASE_URL, pool: { max: env.DB_POOL_MAX } });
const INVITATION_MS = 24 * 60 * 60 * 1000;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

async function invite(input: { name: string; email: string }) {
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, {
      name: input.name.trim(),
      email: input.email.trim().toLowerCase(),
      passwordHash: null,
    });
    const invitation = await insertInvitation(tx, {
      userId: user.id,
      expiresAt: new Date(Date.now() + INVITATION_MS),
      createdById: null,
    });
    await insertOutboxEvent(tx, {
      name: "user/invited",
      data: { userId: user.id, invitationId: invitation.id },
    });
    return { ...user, invitation };
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/readyz") return send(res, 200, { status: "ready" });
  if (req.method !== "POST" || req.url !== "/trpc/users.invite") {
    return send(res, 404, { error: { message: "not found" } });
  }
  try {
    const input = JSON.parse(await readBody(req)) as { name: string; email: string };
    send(res, 200, { result: { data: await invite(input) } });
  } catch (error) {
    send(res, 500, { error: { message: (error as Error).message } });
  }
});
serve(server, env.PORT, () => close(1));
