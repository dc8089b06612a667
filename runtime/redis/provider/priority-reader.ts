/**
 * Reading queues with priority levels: for each such queue, non-blocking reads of one level's
 * stream at a time, in the order and amounts its {@link FairnessRound} gives (the worker option
 * `fairness`: strict, or weighted so that lower levels do not starve), until the fetch is full or
 * every level is empty.
 */
import type { DeliveredTask } from "../../worker/provider.js";
import { readMembers } from "./read.js";
import type { ProviderState } from "./state.js";

/** Up to `n` tasks of the queues with levels; `undefined` when a read was cut short. */
export async function readByPriority(
  state: ProviderState,
  n: number,
  signal: AbortSignal,
): Promise<DeliveredTask[] | undefined> {
  const tasks: DeliveredTask[] = [];
  for (const { levels, round } of state.levelled.values()) {
    round.startFetch();
    for (let step = round.next(n - tasks.length); step !== undefined; step = round.next(n - tasks.length)) {
      const q = levels[step.level];
      const got = await readMembers(state, q.definition.group, [q], step.count, 0, signal);
      if (got === undefined) return tasks.length > 0 ? tasks : undefined;
      round.took(step.level, step.count, got.length);
      tasks.push(...got);
      if (tasks.length >= n) return tasks;
    }
  }
  return tasks;
}
