/**
 * The redis-server a fault test owns: started on a free loopback port, SIGKILLed and restarted
 * on the same port, with or without persistence (AOF `always` keeps every acknowledged write).
 * Or a shared Redis (target.ts) the test does not own: never killed nor restarted.
 */
import type { ChildProcess } from "node:child_process";
import { startRedisServer } from "../../support/ensure-redis.js";

export class RedisUnderTest {
  private constructor(
    private process: ChildProcess | undefined,
    readonly url: string,
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  /** `persistent`: AOF with `appendfsync always` in `dir`; otherwise no persistence at all. */
  static async start(dir: string, persistent: boolean): Promise<RedisUnderTest> {
    const args = persistent
      ? ["--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"]
      : ["--dir", dir, "--save", "", "--appendonly", "no"];
    const server = await startRedisServer(args);
    return new RedisUnderTest(server.process, server.url, server.port, args);
  }

  /** A Redis (or Cluster: comma-separated seed URLs) at `url` that other tests share. */
  static shared(url: string): RedisUnderTest {
    return new RedisUnderTest(undefined, url, Number(new URL(url.split(",")[0] ?? url).port), []);
  }

  /** Whether this is a shared Redis, not the test's own server. */
  get shared(): boolean {
    return this.process === undefined;
  }

  /** SIGKILLs the server (no shutdown, no final save) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (child === undefined)
      throw new Error("a shared Redis is not the test's to kill; run this test on its own server");
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }

  /** Starts it again on the same port and directory (with `persistent`: reloading its AOF). */
  async restart(): Promise<void> {
    await this.kill();
    const server = await startRedisServer(this.args, this.port);
    this.process = server.process;
  }

  /** Starts an empty server on the same port: the queue state is gone, as after a restart without persistence. */
  async restartEmpty(dir: string): Promise<void> {
    await this.kill();
    const server = await startRedisServer(["--dir", dir, "--save", "", "--appendonly", "no"], this.port);
    this.process = server.process;
  }
}
