/**
 * A TCP proxy in front of Redis that can turn into a black hole: bytes stop flowing both ways
 * but no connection is closed, as with a dead network path (half-open TCP). `heal()` then closes
 * every connection that lived through the black hole, as the OS eventually would.
 */
import { createServer, Socket, type Server } from "node:net";

export interface BlackholeProxy {
  readonly url: string;
  blackhole(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(redisUrl: string): Promise<BlackholeProxy> {
  const target = new URL(redisUrl);
  let dark = false;
  const live = new Set<Socket>();
  const tainted = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    live.add(client).add(upstream);
    if (dark) tainted.add(client).add(upstream);
    const forget = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    client.on("data", (chunk) => void (!dark && upstream.write(chunk)));
    upstream.on("data", (chunk) => void (!dark && client.write(chunk)));
    upstream.connect(Number(target.port || 6379), target.hostname);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    blackhole() {
      dark = true;
      for (const s of live) tainted.add(s);
    },
    heal() {
      dark = false;
      for (const s of tainted) s.destroy();
      tainted.clear();
    },
    async close() {
      for (const s of live) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
