/**
 * Pipelines that work on one Redis and on a Redis Cluster alike. A Cluster client refuses a
 * pipeline whose keys are served by different nodes, so there the commands are cut into one
 * pipeline per hash slot, sent in parallel; on one Redis they stay one pipeline (one round trip).
 */
import { Cluster, type ChainableCommander } from "ioredis";
import type { RedisClient } from "./connection.js";
import { keySlot } from "./slot.js";

/** One `[error, reply]` per command, as `pipeline.exec()` gives them. */
export type PipelineReplies = [Error | null, unknown][];

/**
 * Sends the commands `add` queues for each of `items`, every command of one item on keys of the
 * slot of `slotKey(item)`; the replies come back flat, in item order, as one pipeline would give
 * them. On one Redis a pipeline that fails as a whole rejects; on a Cluster the commands of a
 * slot's failed pipeline each get its error, and the other slots' replies are kept.
 */
export async function pipelineBySlot<T>(
  client: RedisClient,
  items: readonly T[],
  slotKey: (item: T) => string,
  add: (pipeline: ChainableCommander, item: T) => void,
): Promise<PipelineReplies> {
  if (!(client instanceof Cluster)) {
    const pipeline = client.pipeline();
    for (const item of items) add(pipeline, item);
    return (await pipeline.exec()) ?? [];
  }
  const bySlot = new Map<number, ChainableCommander>();
  /** Per item: its slot's pipeline and how many commands it queued there. */
  const placed = items.map((item) => {
    const slot = keySlot(slotKey(item));
    let pipeline = bySlot.get(slot);
    if (pipeline === undefined) bySlot.set(slot, (pipeline = client.pipeline()));
    const before = pipeline.length;
    add(pipeline, item);
    return { pipeline, count: pipeline.length - before };
  });
  const replies = new Map<ChainableCommander, PipelineReplies>();
  await Promise.all(
    [...bySlot.values()].map(async (pipeline) => {
      const queued = pipeline.length;
      const fill = (error: Error): PipelineReplies => Array.from({ length: queued }, () => [error, null]);
      replies.set(
        pipeline,
        await pipeline.exec().then(
          (r) => r ?? fill(new Error("the pipeline was not executed")),
          (err: unknown) => fill(err instanceof Error ? err : new Error(String(err))),
        ),
      );
    }),
  );
  const taken = new Map<ChainableCommander, number>();
  const out: PipelineReplies = [];
  for (const { pipeline, count } of placed) {
    const from = taken.get(pipeline) ?? 0;
    out.push(...(replies.get(pipeline) ?? []).slice(from, from + count));
    taken.set(pipeline, from + count);
  }
  return out;
}
