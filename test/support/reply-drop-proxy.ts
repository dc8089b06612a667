/**
 * A TCP proxy in front of the test's redis-server that can lose a reply: when armed, the next
 * reply the server sends on any connection is swallowed and both sides of that connection are
 * closed. The command was executed; the client never learns it (ioredis reconnects and, by
 * default, sends its unanswered commands again). Loopback only.
 */
import { createServer, Socket, type Server } from "node:net";

export class ReplyDropProxy {
  private armed = 0;
  /** Replies swallowed so far. */
  dropped = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(targetPort: number): Promise<ReplyDropProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const proxy = new ReplyDropProxy(server, `redis://127.0.0.1:${port}`);
    server.on("connection", (client: Socket) => proxy.connect(client, targetPort));
    return proxy;
  }

  /** The next reply (on whichever connection answers first) is lost and its connection cut. */
  dropNextReply(): void {
    this.armed += 1;
  }

  private connect(client: Socket, targetPort: number): void {
    const upstream = new Socket();
    this.sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    upstream.connect(targetPort, "127.0.0.1");
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (this.armed > 0) {
        this.armed -= 1;
        this.dropped += 1;
        close();
        return;
      }
      client.write(chunk);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
