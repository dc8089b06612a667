/** The orchestrator's own view of the benchmark Redis: flush, memory, command statistics. */
import { Redis } from "ioredis";

/** Commands the orchestrator itself sends; left out of the per-task counts. */
const OWN_COMMANDS = new Set([
  "info",
  "config|resetstat",
  "flushdb",
  "ping",
  "client|setname",
  "client|setinfo",
  "select",
  "hello",
]);

export class RedisAdmin {
  readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url);
  }

  async flush(): Promise<void> {
    await this.redis.flushdb();
  }

  async usedMemory(): Promise<number> {
    const info = await this.redis.info("memory");
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
  }

  /** CPU time (user + system) the Redis server has used, in microseconds. */
  async cpuMicros(): Promise<number> {
    const info = await this.redis.info("cpu");
    const seconds = (name: string) =>
      Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
    return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6;
  }

  async version(): Promise<string> {
    const info = await this.redis.info("server");
    return /^redis_version:(\S+)/m.exec(info)?.[1] ?? "unknown";
  }

  async resetCommandStats(): Promise<void> {
    await this.redis.config("RESETSTAT");
  }

  /**
   * Calls per command since the last reset, without the orchestrator's own. Redis counts the
   * commands a Lua script runs too, so EVALSHA-based libraries show their script internals here.
   */
  async commandCalls(): Promise<Map<string, number>> {
    const info = await this.redis.info("commandstats");
    const calls = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const name = match[1] ?? "";
      if (!OWN_COMMANDS.has(name)) calls.set(name, Number(match[2]));
    }
    return calls;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
