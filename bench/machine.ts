/** What the results depend on: CPU, cores, memory, Node and Redis versions, and how busy the box was. */
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly redis: string;
  readonly bullmq: string;
  readonly ioredis: string;
}

export function describeMachine(
  redisVersion: string,
  versions: { bullmq: string; ioredis: string },
): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    redis: redisVersion,
    ...versions,
  };
}

/** Total CPU time counters of the machine (all cores), from /proc/stat; `undefined` off Linux. */
export function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((sum, n) => sum + n, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Share of all cores' time that was busy between two readings, in percent. */
export function busyPercent(
  from: { busy: number; total: number } | undefined,
  to: { busy: number; total: number } | undefined,
): number | undefined {
  if (!from || !to || to.total === from.total) return undefined;
  return (100 * (to.busy - from.busy)) / (to.total - from.total);
}
