/**
 * The concurrency cap on a partitioned queue, whose type's running set (policy-keys.ts) and whose
 * partitions' parked lists are in different slots: parking and handing slots on are two steps each
 * (scripts in redis/partitioned-slot-scripts.ts), ordered so that a crash between them loses no task.
 *
 * - Park: the entry moves from its partition's stream into that partition's parked list
 *   (PARTITION_PARK, one slot, atomic), then the running set is asked whether a slot freed since
 *   the worker found them all held (SLOT_FREE); if one did, a parked task goes back at once. A
 *   crash between the two leaves the task parked until a sweep finds the free slot.
 * - Release and sweep: the slot is freed and the free slots counted (SLOT_FREE), then parked tasks
 *   go back to the streams of their own partitions (PARTITION_UNPARK), oldest first within a
 *   partition, partitions taken in turn. A crash between the two leaves them parked until a sweep.
 *
 * The cap itself is held by SLOT_ACQUIRE alone (a task starts only with a slot), so these steps
 * decide only when parked tasks try again, never whether the cap holds.
 */
import type { ParkOutcome } from "../../policy/store.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { parkedKey } from "../keys.js";
import { withPartitionedSlotCommands } from "../partitioned-slot-scripts.js";
import { commands, failure, queueOf, type ProviderState } from "./state.js";

export interface PartitionedSlots {
  /** Parks the task in its partition's parked list; `lost` when this consumer no longer owns it. */
  park(task: DeliveredTask, running: string, cap: number): Promise<ParkOutcome>;
  /**
   * Frees `holder`'s slot (unless ''), then moves parked tasks of `type` into the free slots (all
   * of them when `cap` is 0); resolves with how many moved.
   */
  handOn(queue: string, type: string, running: string, holder: string, cap: number): Promise<number>;
}

export function partitionedSlots(state: ProviderState): PartitionedSlots {
  const client = () => withPartitionedSlotCommands(commands(state));
  const fail = (what: string) => (err: unknown) => {
    throw failure(state, what, err);
  };
  /** Which partition the next hand-on starts with, so that no partition's parked tasks starve. */
  let rotation = 0;
  const handOn = async (
    queue: string,
    type: string,
    running: string,
    holder: string,
    cap: number,
    first?: number,
  ): Promise<number> => {
    const free = await client()
      .jobgenSlotFree(running, holder, cap)
      .catch(fail(`freeing a concurrency slot of ${type}`));
    // A hand-on after a park moves one task at most, like a release.
    let left = first === undefined ? free : Math.min(free, 1);
    const partitions = state.byName.get(queue) ?? [];
    const start = first ?? (rotation = (rotation + 1) % Math.max(1, partitions.length));
    let moved = 0;
    for (let i = 0; i < partitions.length && left !== 0; i++) {
      const partition = partitions[(start + i) % partitions.length]!;
      const n = await client()
        .jobgenPartitionUnpark(parkedKey(partition.keys, type), partition.keys.stream, left)
        .catch(fail(`moving parked tasks of ${type}`));
      moved += n;
      if (left > 0) left -= n;
    }
    return moved;
  };
  return {
    async park(task, running, cap) {
      const q = queueOf(state, task);
      const type = task.type ?? "";
      const parked = await client()
        .jobgenPartitionPark(
          q.keys.stream,
          parkedKey(q.keys, type),
          q.definition.group,
          state.consumer,
          task.entryId,
          JSON.stringify({ ...task.fields, id: task.id }),
        )
        .catch(fail(`parking ${task.entryId} until a concurrency slot frees`));
      if (parked !== 1) return "lost";
      // A slot freed after this worker found them all held had no parked task to hand on to.
      await handOn(task.queue, type, running, "", cap, task.partition ?? 0);
      return "parked";
    },
    handOn: (queue, type, running, holder, cap) => handOn(queue, type, running, holder, cap),
  };
}
