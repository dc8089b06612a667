/**
 * The Lua scripts behind every state change of a task. Each one is a single atomic step on Redis,
 * touches only keys of one queue (one hash slot), and opens with its KEYS, ARGV and return value.
 * Times come from the Redis server clock (`TIME`), so every delayed-set score is on one clock no
 * matter how skewed the producers' and workers' clocks are.
 *
 * Ownership: a transition on a stream entry (ack, retry, dead-letter, lease extension) first asks
 * XPENDING who owns the entry; when it is not the caller (the entry was reclaimed by another
 * consumer, or is gone) the script changes nothing and returns 0.
 *
 * Due-time announcements: a script that adds a member to a delayed set which becomes that set's
 * earliest PUBLISHes its due time (server ms) on a channel named as the delayed set, so promoters
 * (redis/provider/promoter.ts) that sleep until the earliest due time wake sooner.
 */

/** Lua prelude: `owns(stream, group, id, consumer)` and `now_ms()`. */
const HELPERS = `
local function owns(stream, group, id, consumer)
  local p = redis.pcall('XPENDING', stream, group, id, id, 1)
  return type(p) == 'table' and p.err == nil and #p > 0 and p[1][2] == consumer
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function announce_if_earliest(delayed, due)
  local first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
  -- pcall: an ACL user without channel permissions still schedules; promoters then poll
  if #first > 0 and tonumber(first[2]) == due then redis.pcall('PUBLISH', delayed, due) end
end
`;

export const ENQUEUE = `
-- KEYS[1] stream, KEYS[2] delayed set, KEYS[3] idempotency key (unused unless ARGV[5] == '1')
-- ARGV[1] maxLen (0: unbounded), ARGV[2] delay ms (0: write to the stream now),
-- ARGV[3] idempotency TTL ms, ARGV[4] task id, ARGV[5] '1' when an idempotency key is given,
-- ARGV[6] the delayed-set member (fields JSON) when delayed, else ARGV[6..] the field/value pairs
-- returns {'stream', entry id} | {'delayed', due ms} | {'duplicate', earlier task id} | {'full'}
-- The queue is full when XLEN (waiting + in flight) + ZCARD (delayed) >= maxLen; nothing is trimmed.
-- A delayed member that becomes the earliest of the delayed set is announced (PUBLISH on KEYS[2]).
${HELPERS}
if ARGV[5] == '1' then
  local earlier = redis.call('GET', KEYS[3])
  if earlier then return {'duplicate', earlier} end
end
local max_len = tonumber(ARGV[1])
if max_len > 0 and redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= max_len then
  return {'full'}
end
if ARGV[5] == '1' then
  redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
end
local delay = tonumber(ARGV[2])
if delay > 0 then
  local due = now_ms() + delay
  redis.call('ZADD', KEYS[2], due, ARGV[6])
  announce_if_earliest(KEYS[2], due)
  return {'delayed', tostring(due)}
end
return {'stream', redis.call('XADD', KEYS[1], '*', unpack(ARGV, 6))}
`;

export const ENQUEUE_MANY = `
-- KEYS[1] stream, KEYS[2] delayed set
-- ARGV[1] maxLen (0: unbounded), then the tasks in runs of consecutive tasks whose entries have the
-- same field names, each run: n (its tasks), k (fields per entry), the k field names, k letters
-- ('s': every task of the run has the same value, sent once; 'o': each task has its own), the
-- shared values in field order, then for each task its own values in field order
-- returns one reply per task, in order: its entry id, or 'full' when the queue was full for it
-- Immediate tasks without idempotency keys only (the producer's bulk fast path); same maxLen rule
-- as ENQUEUE: full when XLEN + ZCARD >= maxLen. Nothing is trimmed.
local max_len = tonumber(ARGV[1])
local room = -1
if max_len > 0 then
  room = math.max(0, max_len - redis.call('XLEN', KEYS[1]) - redis.call('ZCARD', KEYS[2]))
end
local out = {}
local i = 2
while i <= #ARGV do
  local n, k = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local kinds = ARGV[i + 2 + k]
  local entry, own = {}, {}
  for j = 1, k do entry[2 * j - 1] = ARGV[i + 1 + j] end
  i = i + 3 + k
  for j = 1, k do
    if kinds:sub(j, j) == 's' then
      entry[2 * j] = ARGV[i]
      i = i + 1
    else
      own[#own + 1] = 2 * j
    end
  end
  for _ = 1, n do
    for _, at in ipairs(own) do
      entry[at] = ARGV[i]
      i = i + 1
    end
    if room == 0 then
      out[#out + 1] = 'full'
    else
      out[#out + 1] = redis.call('XADD', KEYS[1], '*', unpack(entry))
      if room > 0 then room = room - 1 end
    end
  end
end
return out
`;

export const PROMOTE = `
-- KEYS[1] delayed set, KEYS[2] stream
-- ARGV[1] most members to move
-- returns {members moved to the stream, ms until the next member is due (-1: none left)}
-- A member that is not a JSON object is still moved, as an entry with the single field
-- 'delayed_member', so the worker dead-letters it as malformed instead of it being lost.
${HELPERS}
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(due) do
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
  redis.call('XADD', KEYS[2], '*', unpack(args))
  redis.call('ZREM', KEYS[1], member)
end
local next_due = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #next_due == 0 then return {#due, -1} end
return {#due, math.max(0, tonumber(next_due[2]) - now)}
`;

export const CLAIM = `
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count
-- returns {next cursor, {{entry id, {field, value, ...}, times delivered}, ...}}
-- XAUTOCLAIM, then XPENDING for each claimed entry's delivery count (already incremented).
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
for _, e in ipairs(r[2]) do
  if type(e) == 'table' and type(e[2]) == 'table' then
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    local count = 1
    if #p > 0 then count = p[1][4] end
    out[#out + 1] = {e[1], e[2], count}
  end
end
return {r[1], out}
`;

export const ACK_MANY = `
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] lowest and ARGV[4] highest of the entry ids, ARGV[5..] entry ids
-- returns one integer per entry id, in order: 1 when acked and deleted, 0 when this consumer does
-- not own that entry (it is left unchanged); each entry is judged on its own, all in one atomic step.
-- Ownership comes from one XPENDING over this consumer's entries in the ids' range; when that range
-- holds more of them than the reply's cap, the ids not seen are checked one by one.
${HELPERS}
local cap = 2 * (#ARGV - 4) + 64
local mine, partial = {}, false
local rows = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[4], cap, ARGV[2])
if type(rows) == 'table' and rows.err == nil then
  for _, row in ipairs(rows) do mine[row[1]] = true end
  partial = #rows == cap
end
local owned, out = {}, {}
for i = 5, #ARGV do
  if mine[ARGV[i]] or (partial and owns(KEYS[1], ARGV[1], ARGV[i], ARGV[2])) then
    owned[#owned + 1] = ARGV[i]
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #owned > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], unpack(owned))
  redis.call('XDEL', KEYS[1], unpack(owned))
end
return out
`;

export const RETRY = `
-- KEYS[1] stream, KEYS[2] delayed set
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] delay ms, ARGV[5] member (fields JSON, retry + 1)
-- returns 1 when scheduled and acked, 0 when this consumer does not own the entry (nothing changed)
-- A member that becomes the earliest of the delayed set is announced (PUBLISH on KEYS[2]).
${HELPERS}
if not owns(KEYS[1], ARGV[1], ARGV[3], ARGV[2]) then return 0 end
local due = now_ms() + tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], due, ARGV[5])
announce_if_earliest(KEYS[2], due)
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
`;

export const DEAD_LETTER = `
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4..] the DLQ record's field/value pairs
-- returns 1 when written to the DLQ and acked, 0 when this consumer does not own the entry (nothing changed)
${HELPERS}
if not owns(KEYS[1], ARGV[1], ARGV[3], ARGV[2]) then return 0 end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
`;

export const EXTEND_LEASE = `
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3..] entry ids
-- returns the number of entries whose idle time was reset (those this consumer still owns)
-- XCLAIM ... 0 JUSTID resets the idle time without counting a delivery; never takes another's entry.
${HELPERS}
local n = 0
for i = 3, #ARGV do
  if owns(KEYS[1], ARGV[1], ARGV[i], ARGV[2]) then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
`;

export const HAND_BACK = `
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] idle ms, ARGV[4..] entry ids
-- returns the number of entries handed back: those this consumer still owns get idle time ARGV[3],
-- so the next XAUTOCLAIM of any consumer takes them, and their delivery count less one (they were
-- delivered, never run); entries another consumer owns are left alone.
local n = 0
for i = 4, #ARGV do
  local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if type(p) == 'table' and p.err == nil and #p > 0 and p[1][2] == ARGV[2] then
    local count = math.max(0, p[1][4] - 1)
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'RETRYCOUNT', count, 'JUSTID')
    n = n + 1
  end
end
return n
`;

export const HAND_BACK_REST = `
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] idle ms, ARGV[4..] entry ids to keep
-- returns the number of entries handed back: every entry pending on this consumer but those to
-- keep and those already handed back (idle over half of ARGV[3]), as HAND_BACK does. At shutdown
-- this also gives back what a read cut short by the stop had delivered.
local keep = {}
for i = 4, #ARGV do keep[ARGV[i]] = true end
local handedBack = tonumber(ARGV[3]) / 2
local n, start = 0, '-'
while true do
  local rows = redis.call('XPENDING', KEYS[1], ARGV[1], start, '+', 500, ARGV[2])
  for _, row in ipairs(rows) do
    if not keep[row[1]] and row[3] < handedBack then
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, row[1], 'IDLE', ARGV[3], 'RETRYCOUNT', math.max(0, row[4] - 1), 'JUSTID')
      n = n + 1
    end
  end
  if #rows < 500 then return n end
  start = '(' .. rows[#rows][1]
end
`;

export const REPLAY = `
-- KEYS[1] dead-letter stream, KEYS[2] task stream
-- ARGV[1] DLQ entry id, ARGV[2..] the field/value pairs of the task entry to write
-- returns the new stream entry id, or false when the DLQ entry is gone (replayed or purged meanwhile)
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return false end
local id = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`;
