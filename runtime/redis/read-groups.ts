/**
 * Which queues one XREADGROUP reads together. One read may name several streams of one consumer
 * group; on a Redis Cluster they must also share a hash slot (a read over several slots fails with
 * CROSSSLOT), so there the queues of one group are read once per slot.
 */
import { keySlot } from "./slot.js";

/** What a read needs of a queue. */
interface ReadableQueue {
  readonly definition: { readonly group: string };
  readonly keys: { readonly stream: string };
}

/** `[group, queues]` per read, in the order the queues first appear. */
export function readGroupsOf<Q extends ReadableQueue>(
  queues: readonly Q[],
  cluster: boolean,
): [group: string, members: Q[]][] {
  const reads = new Map<string, [string, Q[]]>();
  for (const q of queues) {
    const group = q.definition.group;
    const key = cluster ? `${group}\u0000${keySlot(q.keys.stream)}` : group;
    const read = reads.get(key);
    if (read) read[1].push(q);
    else reads.set(key, [group, [q]]);
  }
  return [...reads.values()];
}
