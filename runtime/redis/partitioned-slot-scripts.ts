/**
 * The concurrency cap's scripts for a partitioned queue (policy-keys.ts), where a type's running
 * set and its partitions' parked lists are in different slots: each step that SLOT_PARK and
 * SLOT_RELEASE (policy-scripts.ts) take in one script is split in two, a decision on the running
 * set (SLOT_FREE) and a move within one partition's slot (PARTITION_PARK, PARTITION_UNPARK).
 * Taking a slot and renewing leases touch the running set only: SLOT_ACQUIRE and SLOT_RENEW serve both.
 */
import type { Result } from "ioredis";
import type { RedisClient } from "./connection.js";
import { HELPERS } from "./policy-scripts.js";

export const SLOT_FREE = `
-- KEYS[1] the task type's running set (zset: holder → lease deadline ms)
-- ARGV[1] holder ('' to only sweep), ARGV[2] cap (0: no cap any more)
-- returns how many parked tasks may go back to their streams: -1 for all (no cap), else the free
-- slots, at most 1 for a release (parked tasks on their way to a slot are not in the running set)
${HELPERS}
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms())
local cap = tonumber(ARGV[2])
if cap <= 0 then return -1 end
local free = math.max(0, cap - redis.call('ZCARD', KEYS[1]))
if ARGV[1] ~= '' then free = math.min(free, 1) end
return free
`;

export const PARTITION_PARK = `
-- KEYS[1] a partition's stream, KEYS[2] the type's parked list of that partition
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] member (the task's fields as JSON)
-- returns 1 when parked (the entry acked), 0 when this consumer does not own the entry (nothing changed)
${HELPERS}
if not owns(KEYS[1], ARGV[1], ARGV[3], ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
`;

export const PARTITION_UNPARK = `
-- KEYS[1] the type's parked list of a partition, KEYS[2] that partition's stream
-- ARGV[1] most tasks to move (-1: all)
-- returns the number of parked tasks put back on the stream, oldest first
${HELPERS}
local most = tonumber(ARGV[1])
local moved = 0
while most < 0 or moved < most do
  local member = redis.call('LPOP', KEYS[1])
  if not member then break end
  redis.call('XADD', KEYS[2], '*', unpack(member_args(member)))
  moved = moved + 1
end
return moved
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    jobgenSlotFree(running: string, holder: string, cap: number): Result<number, Context>;
    jobgenPartitionPark(
      stream: string,
      parked: string,
      group: string,
      consumer: string,
      entryId: string,
      member: string,
    ): Result<number, Context>;
    jobgenPartitionUnpark(parked: string, stream: string, most: number): Result<number, Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/** `client` with these scripts defined (once per client). */
export function withPartitionedSlotCommands(client: RedisClient): RedisClient {
  if (defined.has(client)) return client;
  client.defineCommand("jobgenSlotFree", { numberOfKeys: 1, lua: SLOT_FREE });
  client.defineCommand("jobgenPartitionPark", { numberOfKeys: 2, lua: PARTITION_PARK });
  client.defineCommand("jobgenPartitionUnpark", { numberOfKeys: 2, lua: PARTITION_UNPARK });
  defined.add(client);
  return client;
}
