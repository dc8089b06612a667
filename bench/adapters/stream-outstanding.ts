/**
 * Entries of a consumer group still to do: pending (delivered, unacked), plus 1 when any entry is
 * not delivered yet (0 means all done). Cheap enough to poll while a backlog is drained: it reads
 * at most one entry (reading a thousand every few ms cost the pollers of the multi-process row more
 * CPU than the work measured).
 */
import type { Redis } from "ioredis";

export async function streamOutstanding(redis: Redis, stream: string, group: string): Promise<number> {
  if ((await redis.exists(stream)) === 0) return 0;
  const groups = (await redis.xinfo("GROUPS", stream)) as unknown[][];
  const info = groups.map(pairsToRecord).find((g) => g.name === group);
  if (!info) return await redis.xlen(stream);
  const pending = Number(info.pending ?? 0);
  const after = await redis.xrange(stream, `(${String(info["last-delivered-id"])}`, "+", "COUNT", 1);
  return pending + after.length;
}

function pairsToRecord(pairs: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1];
  return record;
}
