/**
 * Where the policy state of a task type lives: its rate-limit buckets (`rate:<type>:<bucket>`) and
 * its concurrency cap's running set (`slots:<type>:running`).
 *
 * - A queue without partitions keeps them in its own slot (keys.ts: `<head>:rate:…`,
 *   `<head>:slots:…`), so a policy step and the task's move are one atomic script.
 * - A partitioned queue's tasks live in N slots, so no one slot can hold both. Each of these keys
 *   gets a hash tag of its own, `<prefix>{<tag>}:<stream>:<what>`, `<tag>` being a short tag
 *   (slot.ts tagForSlot) of the slot that `<prefix><stream>:<what>` hashes to: one slot per bucket and per
 *   capped type, whatever the partition, spread over the Cluster. The policy step and the task's
 *   move in its partition are then two steps (provider/partitioned-slots.ts).
 * - A key prefix holding its own hash tag puts every key in that tag's slot, as for partitions.
 */
import type { QueueDefinition } from "../types.js";
import { slotHead } from "./keys.js";
import { partitionCount } from "./partitions.js";
import { hashedPart, tagForSlot, textSlot } from "./slot.js";

/** The key of the policy state `what` (`rate:<type>:<bucket>`, `slots:<type>:running`) of `queue`. */
export function policyKey(queue: QueueDefinition, keyPrefix: string, what: string): string {
  const stream = `${keyPrefix}${queue.stream}`;
  if (partitionCount(queue) === 1 || hashedPart(keyPrefix) !== keyPrefix)
    return `${slotHead(stream)}:${what}`;
  const tail = `${queue.stream}:${what}`;
  return `${keyPrefix}{${tagForSlot(textSlot(`${keyPrefix}${tail}`))}}:${tail}`;
}
