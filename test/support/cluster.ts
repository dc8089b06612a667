/**
 * A throwaway local Redis Cluster for tests: `masters` masters, each with `replicas` replicas, on
 * free loopback ports, in a temporary directory, built with `redis-cli --cluster create`. Nothing
 * is persisted. `stop()` kills every node and removes the directory.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, pingRedis } from "./ensure-redis.js";

const run = promisify(execFile);

/** Redis Cluster's bus port is the node's port + 10000. */
const BUS_PORT_OFFSET = 10_000;

export interface ClusterNode {
  readonly port: number;
  readonly url: string;
  process: ChildProcess;
}

export interface ClusterOptions {
  /** @defaultValue 3 */
  readonly masters?: number;
  /** Replicas per master. @defaultValue 1 */
  readonly replicas?: number;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over. @defaultValue 2000 */
  readonly nodeTimeoutMs?: number;
}

export class LocalCluster {
  private constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly dir: string,
  ) {}

  /** Comma-separated URLs of every node: what `REDIS_URL` takes for a Cluster. */
  get seeds(): string {
    return this.nodes.map((n) => n.url).join(",");
  }

  static async start(options: ClusterOptions = {}): Promise<LocalCluster> {
    const masters = options.masters ?? 3;
    const replicas = options.replicas ?? 1;
    const dir = await mkdtemp(join(tmpdir(), "jobgen-cluster-"));
    const nodes: ClusterNode[] = [];
    const cluster = new LocalCluster(nodes, dir);
    try {
      for (let i = 0; i < masters * (1 + replicas); i++) {
        const port = await freeClusterPort(nodes.map((n) => n.port));
        nodes.push({
          port,
          url: `redis://127.0.0.1:${port}`,
          process: startNode(dir, port, options.nodeTimeoutMs),
        });
      }
      await Promise.all(nodes.map((n) => waitFor(() => pingRedis(n.url, 200), `node ${n.port} to answer`)));
      await run(
        "redis-cli",
        [
          "--cluster",
          "create",
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          "--cluster-replicas",
          String(replicas),
          "--cluster-yes",
        ],
        { timeout: 30_000 },
      );
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /**
   * Waits until every live node reports `cluster_state:ok` and knows every slot, and every live
   * replica is in sync with its master (`master_link_status:up`), so that it can take over.
   */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    const live = this.nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
    await waitFor(
      async () => {
        for (const node of live) {
          const info = await cli(node.port, "CLUSTER", "INFO").catch(() => "");
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
          const replication = await cli(node.port, "INFO", "replication").catch(() => "");
          if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication)) return false;
        }
        return true;
      },
      "cluster_state:ok on every node",
      timeoutMs,
    );
  }

  /** The ports of the current masters (from CLUSTER NODES, as a live node sees it). */
  async masterPorts(): Promise<number[]> {
    const live = this.nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null);
    if (live === undefined) return [];
    const text = await cli(live.port, "CLUSTER", "NODES");
    return text
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([, , flags = ""]) => flags.split(",").includes("master") && !flags.includes("fail"))
      .map(([, address = ""]) => Number(/:(\d+)@/.exec(address)?.[1]));
  }

  /** The port of the master serving `slot` now (from CLUSTER NODES, as a live node sees it). */
  async masterPortOf(slot: number): Promise<number> {
    const live = this.nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null);
    if (live === undefined) throw new Error("no cluster node is running");
    for (const fields of (await cli(live.port, "CLUSTER", "NODES")).split("\n").map((l) => l.split(" "))) {
      const [, address = "", flags = ""] = fields;
      if (!flags.split(",").includes("master") || flags.includes("fail")) continue;
      const serves = fields.slice(8).some((range) => {
        const [from = -1, to = from] = range.split("-").map(Number);
        return slot >= from && slot <= to;
      });
      if (serves) return Number(/:(\d+)@/.exec(address)?.[1]);
    }
    throw new Error(`no live master serves slot ${slot}`);
  }

  /** SIGKILLs the node on `port` and waits until the process is gone. */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`no cluster node on port ${port}`);
    const child = node.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n.port)));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function startNode(dir: string, port: number, nodeTimeoutMs = 2000): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
      "--cluster-node-timeout",
      String(nodeTimeoutMs),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--logfile",
      join(dir, `node-${port}.log`),
      // Replicas sync at once (the default waits 5 s for more replicas), so a failover is possible
      // as soon as the cluster is up.
      "--repl-diskless-sync-delay",
      "0",
      "--daemonize",
      "no",
    ],
    { stdio: "ignore" },
  );
}

/** A free port whose bus port (+10000) is free too, not among `taken`. */
async function freeClusterPort(taken: readonly number[]): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    if (port + BUS_PORT_OFFSET > 65_535 || taken.includes(port)) continue;
    if (await isFree(port + BUS_PORT_OFFSET)) return port;
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

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-p", String(port), ...args], { timeout: 5_000 });
  return stdout;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
