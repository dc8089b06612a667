/**
 * Makes sure a Redis answers for the tests: REDIS_URL (default redis://127.0.0.1:6379) when it
 * answers PING, otherwise a throwaway `redis-server` on a free loopback port. Never skips.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { connect as connectTls } from "node:tls";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * Sends PING over a raw socket (TLS for `rediss://`, accepting any certificate: it only asks
 * whether a Redis answers); resolves true on +PONG (or NOAUTH, which still means "a Redis").
 */
export function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const { protocol, hostname, port } = new URL(url);
  const host = hostname || "127.0.0.1";
  const portNumber = Number(port || 6379);
  return new Promise((resolve) => {
    const ping = () => socket.write("PING\r\n");
    const socket =
      protocol === "rediss:"
        ? connectTls({ host, port: portNumber, rejectUnauthorized: false }, ping)
        : connect(portNumber, host, ping);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `redis-server` on a free port with the given extra arguments; resolves once it answers.
 * With `tls`, the port is its TLS port (no plain port) and the URL is `rediss://`; the extra
 * arguments then carry `--tls-cert-file` and friends.
 */
export async function startRedisServer(
  extraArgs: readonly string[] = ["--save", "", "--appendonly", "no"],
  port?: number,
  tls = false,
): Promise<{ url: string; port: number; process: ChildProcess }> {
  const chosen = port ?? (await freePort());
  const portArgs = tls ? ["--port", "0", "--tls-port", String(chosen)] : ["--port", String(chosen)];
  const child = spawn("redis-server", [...portArgs, "--bind", "127.0.0.1", ...extraArgs], {
    stdio: "ignore",
  });
  const url = `${tls ? "rediss" : "redis"}://127.0.0.1:${chosen}`;
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (err) =>
      reject(
        new Error(`cannot start redis-server (${err.message}); install it: apt-get install -y redis-server`),
      ),
    );
  });
  for (let i = 0; i < 100; i++) {
    if (await Promise.race([pingRedis(url, 200), failed])) return { url, port: chosen, process: child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server on port ${chosen} did not answer within 5s`);
}
