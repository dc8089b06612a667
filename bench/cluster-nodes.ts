/**
 * Throwaway Redis Cluster masters for the Cluster bench (cluster.ts): `count` redis-server processes
 * in cluster mode on free loopback ports, no replicas, no persistence, the 16384 slots split in
 * equal ranges (CLUSTER ADDSLOTSRANGE, then CLUSTER MEET), so that 1 master is a Cluster too and
 * the producer and worker run the same Cluster client code against 1 or 3 masters. Or one plain
 * redis-server (not a Cluster), the baseline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** Redis Cluster's bus port is the node's port + 10000. */
const BUS_PORT_OFFSET = 10_000;
const SLOTS = 16_384;

export interface BenchMaster {
  readonly port: number;
  readonly pid: number;
  /** The slots it serves: `[first, last]`. */
  readonly slots: readonly [number, number];
  /** A plain (non-Cluster) connection to this node, for INFO and FLUSHALL. */
  readonly admin: Redis;
}

export class BenchCluster {
  private constructor(
    readonly masters: readonly BenchMaster[],
    private readonly processes: readonly ChildProcess[],
    private readonly dir: string,
  ) {}

  /** Comma-separated seed URLs: what `redis` takes for a Cluster. */
  get seeds(): string {
    return this.masters.map((m) => `redis://127.0.0.1:${m.port}`).join(",");
  }

  /** `count` masters of a Cluster; with `clusterMode` false, one plain redis-server. */
  static async start(count: number, clusterMode = true): Promise<BenchCluster> {
    const dir = mkdtempSync(join(tmpdir(), "jobgen-bench-cluster-"));
    const processes: ChildProcess[] = [];
    const masters: BenchMaster[] = [];
    const ports: number[] = [];
    try {
      for (let i = 0; i < count; i++) ports.push(await freeClusterPort(ports));
      for (const [i, port] of ports.entries()) {
        const child = spawn(
          "redis-server",
          [
            ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
            ...(clusterMode
              ? // A node that met no other does not know its address; CLUSTER SLOTS would name "".
                ["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1"]
              : []),
            ...["--cluster-config-file", join(dir, `nodes-${port}.conf`)],
            ...["--save", "", "--appendonly", "no", "--logfile", join(dir, `node-${port}.log`)],
          ],
          { stdio: "ignore" },
        );
        processes.push(child);
        const admin = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => 50 });
        admin.on("error", () => undefined); // refused until the server listens; ping waits for it
        await until(async () => (await admin.ping().catch(() => "")) === "PONG", `node ${port} to answer`);
        const first = Math.floor((i * SLOTS) / count);
        const last = Math.floor(((i + 1) * SLOTS) / count) - 1;
        if (clusterMode) await admin.call("CLUSTER", "ADDSLOTSRANGE", first, last);
        masters.push({ port, pid: child.pid ?? 0, slots: [first, last], admin });
      }
      if (!clusterMode) return new BenchCluster(masters, processes, dir);
      const [seed] = masters;
      for (const m of masters.slice(1)) await seed?.admin.call("CLUSTER", "MEET", "127.0.0.1", m.port);
      await until(async () => {
        for (const m of masters) {
          const info = String(await m.admin.call("CLUSTER", "INFO"));
          if (!/cluster_state:ok/.test(info) || !new RegExp(`cluster_known_nodes:${count}\\b`).test(info)) {
            return false;
          }
        }
        return true;
      }, "cluster_state:ok on every master");
      return new BenchCluster(masters, processes, dir);
    } catch (err) {
      await new BenchCluster(masters, processes, dir).stop();
      throw err;
    }
  }

  /** Deletes every key on every master (these are the bench's own throwaway servers). */
  async flush(): Promise<void> {
    await Promise.all(this.masters.map((m) => m.admin.flushall()));
  }

  /** CPU time (user + system) each master has used, in microseconds (INFO cpu). */
  async cpuMicros(): Promise<number[]> {
    return await Promise.all(
      this.masters.map(async (m) => {
        const info = await m.admin.info("cpu");
        const seconds = (name: string) =>
          Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
        return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6;
      }),
    );
  }

  /** The master serving `slot`. */
  masterOf(slot: number): BenchMaster | undefined {
    return this.masters.find((m) => slot >= m.slots[0] && slot <= m.slots[1]);
  }

  async stop(): Promise<void> {
    for (const m of this.masters) m.admin.disconnect();
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A free loopback port whose bus port (+10000) is free too, not among `taken`. */
async function freeClusterPort(taken: readonly number[]): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.includes(port) || taken.includes(port + BUS_PORT_OFFSET)) continue;
    if ((await isFree(port)) && (await isFree(port + BUS_PORT_OFFSET))) return port;
  }
  throw new Error("found no free port pair (port, port + 10000) for a cluster node");
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
