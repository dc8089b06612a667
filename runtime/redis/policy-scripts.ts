/**
 * The Lua scripts of the schema's policies: schedule ticks, rate limits (GCRA) and the global
 * concurrency cap. Like scripts.ts, each is one atomic step on keys of one queue (one hash slot),
 * opens with its KEYS, ARGV and return value, and reads time from the Redis server (`TIME`), so
 * every worker judges on one clock. Command clients get them on first use ({@link withPolicyCommands}).
 */
import type { Result } from "ioredis";
import type { RedisClient } from "./connection.js";

/** Lua prelude: `now_ms()`, `owns(stream, group, id, consumer)` and `member_args(member)`. */
const HELPERS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function owns(stream, group, id, consumer)
  local p = redis.pcall('XPENDING', stream, group, id, id, 1)
  return type(p) == 'table' and p.err == nil and #p > 0 and p[1][2] == consumer
end
local function member_args(member)
  local ok, fields = pcall(cjson.decode, member)
  local args = {}
  if ok and type(fields) == 'table' then
    for k, v in pairs(fields) do
      if type(k) == 'string' and (type(v) == 'string' or type(v) == 'number') then
        args[#args + 1] = k
        args[#args + 1] = tostring(v)
      end
    end
  end
  if #args == 0 then args = {'delayed_member', member} end
  return args
end
`;

export const SCHEDULE_TICK = `
-- KEYS[1] stream, KEYS[2] delayed set, KEYS[3] the queue's schedule state (hash: schedule → last tick ms)
-- ARGV[1] schedule name, ARGV[2] tick ms, ARGV[3] maxLen (0: unbounded), ARGV[4..] the entry's field/value pairs
-- returns {'enqueued', entry id} | {'done'} (this tick or a later one was enqueued already) | {'full'}
-- The last tick only grows, so however many workers run a schedule each tick is enqueued once.
local last = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '-1')
if last >= tonumber(ARGV[2]) then return {'done'} end
local max_len = tonumber(ARGV[3])
if max_len > 0 and redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= max_len then
  return {'full'}
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return {'enqueued', redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))}
`;

export const FORGET_SCHEDULES = `
-- KEYS[1] the queue's schedule state (hash: schedule → last tick ms)
-- ARGV[1..] the schedules of the queue the schema declares
-- returns the names of the schedules whose state was deleted (no longer declared)
local keep = {}
for i = 1, #ARGV do keep[ARGV[i]] = true end
local gone = {}
for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not keep[name] then gone[#gone + 1] = name end
end
if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
return gone
`;

export const RATE_ADMIT = `
-- KEYS[1] the bucket's theoretical arrival time (ms), KEYS[2] the bucket's reservations (zset: task id → start ms)
-- ARGV[1] task id, ARGV[2] emission interval ms (per / limit)
-- returns 0 when the task starts now, else ms until the start reserved for it
-- GCRA without burst: starts are at least one interval apart. A task that may not start now gets
-- the next free start reserved (the arrival time moves one interval on), and waits for it in the
-- delayed set; back at its start, its reservation admits it. So waiting tasks never contend again.
${HELPERS}
local now = now_ms()
local reserved = redis.call('ZSCORE', KEYS[2], ARGV[1])
if reserved then
  reserved = tonumber(reserved)
  if reserved > now then return reserved - now end
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
local interval = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat <= now then
  redis.call('SET', KEYS[1], now + interval, 'PX', interval + 1000)
  return 0
end
redis.call('SET', KEYS[1], tat + interval, 'PX', tat + interval - now + 1000)
redis.call('ZADD', KEYS[2], tat, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 3600000)
redis.call('PEXPIRE', KEYS[2], tat - now + 3600000)
return tat - now
`;

export const SLOT_ACQUIRE = `
-- KEYS[1] the task type's running set (zset: holder → lease deadline ms)
-- ARGV[1] holder, ARGV[2] cap, ARGV[3] lease ms
-- returns 1 when the holder has a slot (taken now, or renewed), 0 when all cap slots are held
-- Leases past their deadline are dropped first: a dead worker's slot frees when its lease ends.
${HELPERS}
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
`;

export const SLOT_PARK = `
-- KEYS[1] stream, KEYS[2] the task type's running set, KEYS[3] its parked list (of the entry's level)
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] holder, ARGV[5] cap, ARGV[6] lease ms,
-- ARGV[7] member (the task's fields as JSON)
-- returns 1 when parked (the entry acked), 2 when a slot freed meanwhile and is now the holder's,
-- 0 when this consumer does not own the entry (nothing changed)
-- A parked task waits, in arrival order, for a release (SLOT_RELEASE) to put it back on the stream.
${HELPERS}
if not owns(KEYS[1], ARGV[1], ARGV[3], ARGV[2]) then return 0 end
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[5]) then
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  return 2
end
redis.call('RPUSH', KEYS[3], ARGV[7])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
`;

export const SLOT_RELEASE = `
-- KEYS[1] the task type's running set, then per priority level, highest first (one pair on a
-- queue without levels): KEYS[2k] its parked list, KEYS[2k+1] its stream
-- ARGV[1] holder ('' to only sweep), ARGV[2] cap (0: no cap any more, every parked task goes back)
-- returns the number of parked tasks put back on their streams
-- Frees the holder's slot and drops expired leases, then moves parked tasks to their level's
-- stream, higher levels first: one for a release, as many as there are free slots for a sweep
-- (they take a slot when a worker starts them).
${HELPERS}
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms())
local cap = tonumber(ARGV[2])
local free = -1
if cap > 0 then free = math.max(0, cap - redis.call('ZCARD', KEYS[1])) end
-- A release hands its one slot on: parked tasks already on their way to a slot are not counted
-- in the running set, so moving every free slot's worth would move too many.
if ARGV[1] ~= '' and cap > 0 then free = math.min(free, 1) end
local moved = 0
for k = 2, #KEYS, 2 do
  while free < 0 or moved < free do
    local member = redis.call('LPOP', KEYS[k])
    if not member then break end
    redis.call('XADD', KEYS[k + 1], '*', unpack(member_args(member)))
    moved = moved + 1
  end
end
return moved
`;

export const SLOT_RENEW = `
-- KEYS[1] the task type's running set
-- ARGV[1] lease ms, ARGV[2..] holders
-- returns the number of leases renewed (those still held)
${HELPERS}
local deadline = now_ms() + tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], deadline, ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    jobgenScheduleTick(
      stream: string,
      delayed: string,
      state: string,
      ...args: (string | number)[]
    ): Result<[string, string?], Context>;
    jobgenForgetSchedules(state: string, ...keep: string[]): Result<string[], Context>;
    jobgenRateAdmit(
      tat: string,
      reservations: string,
      taskId: string,
      intervalMs: number,
    ): Result<number, Context>;
    jobgenSlotAcquire(running: string, holder: string, cap: number, leaseMs: number): Result<number, Context>;
    jobgenSlotPark(
      stream: string,
      running: string,
      parked: string,
      group: string,
      consumer: string,
      entryId: string,
      holder: string,
      cap: number,
      leaseMs: number,
      member: string,
    ): Result<number, Context>;
    /** `numKeys`, then the running set, a parked list and a stream per level, then holder and cap. */
    jobgenSlotRelease(numKeys: number, ...args: (string | number)[]): Result<number, Context>;
    jobgenSlotRenew(running: string, leaseMs: number, ...holders: string[]): Result<number, Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/** `client` with the policy scripts defined (once per client). */
export function withPolicyCommands(client: RedisClient): RedisClient {
  if (defined.has(client)) return client;
  client.defineCommand("jobgenScheduleTick", { numberOfKeys: 3, lua: SCHEDULE_TICK });
  client.defineCommand("jobgenForgetSchedules", { numberOfKeys: 1, lua: FORGET_SCHEDULES });
  client.defineCommand("jobgenRateAdmit", { numberOfKeys: 2, lua: RATE_ADMIT });
  client.defineCommand("jobgenSlotAcquire", { numberOfKeys: 1, lua: SLOT_ACQUIRE });
  client.defineCommand("jobgenSlotPark", { numberOfKeys: 3, lua: SLOT_PARK });
  client.defineCommand("jobgenSlotRelease", { lua: SLOT_RELEASE });
  client.defineCommand("jobgenSlotRenew", { numberOfKeys: 1, lua: SLOT_RENEW });
  defined.add(client);
  return client;
}
