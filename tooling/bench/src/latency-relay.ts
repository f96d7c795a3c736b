import net from "node:net";

/**
 * A TCP relay that holds every chunk for `oneWayMs` before passing it on, in each direction:
 * put between the api and Postgres, each round trip costs `2 × oneWayMs` more, as it does
 * across a real network (loopback answers in about 0.1 ms). The machines here have no `tc
 * netem`, so the delay is added in user space. Chunks keep their order: timers of one delay
 * fire in the order they were set.
 */
export function startLatencyRelay(target: { host: string; port: number }, oneWayMs: number) {
  const sockets = new Set<net.Socket>();
  const delayed = (from: net.Socket, to: net.Socket) => {
    from.on("data", (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, oneWayMs);
    });
    from.on("end", () => setTimeout(() => to.end(), oneWayMs));
    from.on("error", () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    }
    delayed(client, upstream);
    delayed(upstream, client);
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
