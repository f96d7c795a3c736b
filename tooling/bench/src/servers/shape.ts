import type http from "node:http";

/** What the baselines share: the row Brisk's SQL returns, and the JSON Brisk answers with. */

type PostTuple = [number, string, string, string];

export interface Row {
  id: number;
  name: string;
  role: string;
  created_at: Date;
  posts: PostTuple[];
}

export function shape(row: Row) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    posts: row.posts.map(([id, title, body, createdAt]) => ({
      id,
      title,
      body,
      createdAt: new Date(createdAt),
    })),
  };
}

export function send(res: http.ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

/** Serves on `port` as every baseline does, and on SIGTERM closes and runs `release`. */
export function serve(server: http.Server, port: number, release: () => Promise<unknown>) {
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1");
  process.on("SIGTERM", () => {
    server.close();
    void release().then(() => process.exit(0));
  });
}
