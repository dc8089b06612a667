/**
 * `maxLen` of a partitioned queue bounds the tasks waiting in all its partitions together. Each
 * partition's ENQUEUE script only sees its own stream and delayed set (another partition is on
 * another slot, maybe another node), so before writing, the producer counts every partition
 * (one round trip) and hands each partition's script the limit that leaves the queue's total
 * within `maxLen`: that partition's count plus the room given to it, room handed out to the
 * requests in their order. The script still refuses past that limit, so a partition is never
 * over its share; producers writing to other partitions at the same moment can each take the same
 * room, so the total may pass `maxLen` by the number of enqueues in flight at once
 * (docs/cluster.md).
 */
import type { QueueKeys } from "../redis/keys.js";
import { partitionCount } from "../redis/partitions.js";
import type { QueueDefinition } from "../types.js";

/** What the room check needs of a request. */
export interface RoomRequest {
  readonly queue: QueueDefinition;
  readonly partition: number;
  /** The limit the script gets; 0: none. */
  readonly maxLen: number;
}

/** Whether enqueues to `queue` need the room check: a partitioned queue with `maxLen`. */
export function needsRoom(queue: QueueDefinition): boolean {
  return partitionCount(queue) > 1 && (queue.maxLen ?? 0) > 0;
}

/**
 * `requests` with the limits their scripts get, up to the first request for which its queue has
 * no room left (`full`, not to be written). Requests of queues without partitions or without
 * maxLen pass as they are, without a round trip.
 */
export async function withRoom<R extends RoomRequest>(
  requests: readonly R[],
  keysOf: (queue: QueueDefinition) => readonly QueueKeys[],
  countWaiting: (keys: readonly QueueKeys[]) => Promise<number[]>,
): Promise<{ readonly requests: R[]; readonly full: R | undefined }> {
  const bounded = [...new Set(requests.map((r) => r.queue))].filter(needsRoom);
  if (bounded.length === 0) return { requests: [...requests], full: undefined };
  const counts = await Promise.all(bounded.map((q) => countWaiting(keysOf(q))));
  /** Per bounded queue: room left in the queue, and the limit of each partition so far. */
  const rooms = new Map(
    bounded.map((q, i) => {
      const waiting = counts[i] ?? [];
      const total = waiting.reduce((sum, n) => sum + n, 0);
      return [q, { left: (q.maxLen ?? 0) - total, limits: [...waiting] }];
    }),
  );
  let end = requests.length;
  for (const [i, r] of requests.entries()) {
    const room = rooms.get(r.queue);
    if (room === undefined) continue;
    if (room.left <= 0) {
      end = i;
      break;
    }
    room.left--;
    room.limits[r.partition] = (room.limits[r.partition] ?? 0) + 1;
  }
  const allowed = requests.slice(0, end).map((r) => {
    const limit = rooms.get(r.queue)?.limits[r.partition];
    return limit === undefined ? r : { ...r, maxLen: limit };
  });
  return { requests: allowed, full: requests[end] };
}
