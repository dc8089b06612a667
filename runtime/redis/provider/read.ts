/**
 * Reading new entries (`>`) with XREADGROUP on the blocking client. A blocking read never hangs:
 * it is raced against `block + BLOCKING_READ_GRACE_MS` and against the fetch's abort signal;
 * when either wins, the blocking client is dropped and a fresh one is made for the next read.
 * Entries such a dropped read may have been handed stay pending on this consumer and are
 * reclaimed after `claimMinIdleMs` (at least once, never lost).
 */
import { BLOCKING_READ_GRACE_MS } from "../../defaults.js";
import { argsToFields, bufferArgsToFields, decodeTask, holdsReplacementChar } from "../../wire/codec.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { pipelineBySlot, type PipelineReplies } from "../batch.js";
import { createRedisClient } from "../connection.js";
import { DEFAULT_PRIORITY, PRIORITY_LEVELS } from "../../policy/priority.js";
import { recoverLostGroups } from "./groups.js";
import { readByPriority } from "./priority-reader.js";
import {
  commands,
  errorMessage,
  queueOf,
  where,
  wrap,
  type ProviderState,
  type QueueState,
} from "./state.js";

type ReadReply = [string, [string, string[] | null][]][];

/**
 * New entries, blocking up to `waitMs` (0: not at all), or until a known delayed task is due.
 * Queues with priority levels are read level by level first (priority-reader.ts); when those
 * gave something, the other queues are read without blocking; when not, one blocking read waits
 * on every stream, levels included, and what it brings is handed out highest level first.
 */
export async function readNew(
  state: ProviderState,
  max: number,
  waitMs: number,
  signal: AbortSignal,
): Promise<DeliveredTask[]> {
  const n = Math.min(max, state.options.count);
  let groups = state.groups;
  let block = waitMs;
  const prioritised: DeliveredTask[] = [];
  if (state.levelled.size > 0) {
    const read = await readByPriority(state, n, signal);
    if (read === undefined) return [];
    prioritised.push(...read);
    if (prioritised.length >= n) return prioritised;
    if (prioritised.length > 0) {
      groups = withoutLevels(groups);
      block = 0;
    }
  }
  const untilDue = Math.max(1, Math.ceil(state.nextDueAt - Date.now()));
  const blockMs = block > 0 ? Math.min(Math.ceil(block / groups.length), untilDue) : 0;
  for (let i = 0; i < groups.length && !signal.aborted && !state.closed; i++) {
    const [group, members] = groups[(state.rotation + i) % groups.length] ?? ["", []];
    const tasks = await readMembers(state, group, members, n - prioritised.length, blockMs, signal);
    if (tasks === undefined) return prioritised;
    if (tasks.length > 0) {
      state.rotation = (state.rotation + i + 1) % groups.length;
      return prioritised.length > 0 ? [...prioritised, ...tasks] : byLevel(tasks);
    }
  }
  return prioritised;
}

/**
 * One XREADGROUP of `members` (streams of one group), decoded; `undefined` when the read was cut
 * short (the signal, closing) or found the group lost (recreated; the fetch ends there).
 */
export async function readMembers(
  state: ProviderState,
  group: string,
  members: readonly QueueState[],
  n: number,
  block: number,
  signal: AbortSignal,
): Promise<DeliveredTask[] | undefined> {
  let reply: ReadReply;
  try {
    reply = await readGroup(state, group, members, n, block, signal);
  } catch (err) {
    if (state.closed || signal.aborted) return undefined;
    if (errorMessage(err).includes("NOGROUP")) {
      await recoverLostGroups(state, err);
      return undefined;
    }
    throw wrap(`reading group ${group} on ${where(state)}`, err);
  }
  const tasks: DeliveredTask[] = [];
  const suspects: DeliveredTask[] = [];
  for (const [stream, entries] of reply) {
    const queue = state.byStream.get(stream)?.source ?? { name: stream, stream };
    for (const [entryId, pairs] of entries) {
      const task = decodeTask(queue, entryId, argsToFields(pairs ?? []), 1);
      if (holdsReplacementChar(pairs ?? [])) suspects.push(task);
      else tasks.push(task);
    }
  }
  if (suspects.length > 0) tasks.push(...(await strictlyDecoded(state, suspects)));
  return tasks;
}

/** The reads without the streams of priority levels (those were read level by level). */
function withoutLevels(groups: ProviderState["groups"]): ProviderState["groups"] {
  return groups
    .map(([group, members]): [string, QueueState[]] => [group, members.filter((q) => q.level === undefined)])
    .filter(([, members]) => members.length > 0);
}

/** Tasks of higher levels first, in read order otherwise (tasks without a level count as normal). */
function byLevel(tasks: DeliveredTask[]): DeliveredTask[] {
  const rank = (task: DeliveredTask) => PRIORITY_LEVELS.indexOf(task.priority ?? DEFAULT_PRIORITY);
  return tasks.some((task) => task.priority !== undefined) ? tasks.sort((a, b) => rank(a) - rank(b)) : tasks;
}

export function dropBlocking(state: ProviderState): void {
  state.blocking?.disconnect();
  state.blocking = undefined;
}

/**
 * One XREADGROUP on the blocking client (`block` 0: do not block), bounded by the signal and
 * by a guard against a read that never returns.
 */
async function readGroup(
  state: ProviderState,
  group: string,
  members: readonly QueueState[],
  n: number,
  block: number,
  signal: AbortSignal,
): Promise<ReadReply> {
  const { consumer, logger } = state;
  state.blocking ??= createRedisClient(state.resolved, "blocking", consumer, logger, {
    tls: state.options.tls,
  });
  const client = state.blocking;
  const streams = members.map((q) => q.keys.stream);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"aborted" | "hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), block + BLOCKING_READ_GRACE_MS);
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const blockArgs = block > 0 ? ["BLOCK", block] : [];
  // As text (one string per value); entries whose text holds U+FFFD are read again as bytes.
  const read = client.call("XREADGROUP", [
    "GROUP",
    group,
    consumer,
    "COUNT",
    n,
    ...blockArgs,
    "STREAMS",
    ...streams,
    ...streams.map(() => ">"),
  ]);
  read.catch(() => undefined); // a dropped read rejects after the race is decided
  try {
    const outcome = await Promise.race([read, stop]);
    if (outcome === "aborted" || outcome === "hung") {
      if (outcome === "hung")
        logger.warn(
          { blockMs: block, group },
          "blocking read did not return in time; replacing its connection",
        );
      if (client === state.blocking) dropBlocking(state);
      return [];
    }
    return (outcome ?? []) as ReadReply;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Entries whose text held U+FFFD, read again as bytes and decoded strictly (codec.ts
 * bufferArgsToFields): invalid UTF-8 is named in `invalidUtf8Fields` (the worker rejects the
 * entry), a real U+FFFD stays text. An entry gone meanwhile cannot tell: every field holding
 * U+FFFD counts as invalid. When the second read fails, the entries are left out, pending on
 * this consumer, to be reclaimed later; the rest of the fetch is handed out.
 */
async function strictlyDecoded(
  state: ProviderState,
  suspects: readonly DeliveredTask[],
): Promise<DeliveredTask[]> {
  const { logger } = state;
  let replies: PipelineReplies;
  try {
    replies = await pipelineBySlot(
      commands(state),
      suspects,
      (task) => queueOf(state, task).keys.stream,
      (pipeline, task) => pipeline.xrangeBuffer(queueOf(state, task).keys.stream, task.entryId, task.entryId),
    );
  } catch (err) {
    logger.warn({ err, count: suspects.length }, "could not read entries again as bytes; left pending");
    return [];
  }
  const decoded: DeliveredTask[] = [];
  suspects.forEach((task, k) => {
    const [err, entries] = replies[k] ?? [new Error("no reply"), null];
    if (err) {
      logger.warn({ err, entryId: task.entryId }, "could not read an entry again as bytes; left pending");
      return;
    }
    const [entry] = entries as [Buffer, Buffer[]][];
    if (entry === undefined) {
      const unreadable = Object.keys(task.fields).filter((name) => task.fields[name]?.includes("\uFFFD"));
      decoded.push({ ...task, invalidUtf8Fields: unreadable });
      return;
    }
    const { fields, invalidUtf8 } = bufferArgsToFields(entry[1]);
    decoded.push(
      decodeTask(queueOf(state, task).source, task.entryId, fields, task.deliveryCount, invalidUtf8),
    );
  });
  return decoded;
}
