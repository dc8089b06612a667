/**
 * Acks (ACK_MANY): acks asked for in the same event-loop turn (the tasks of a batch that finished
 * together) share one script call per queue, each entry still ownership-checked on its own.
 */
import { ACK_BATCH_MAX } from "../../defaults.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { commands, failure, queueOf, type ProviderState, type QueueState } from "./state.js";

/** An ack waiting to be sent with the others of its event-loop turn. */
interface PendingAck {
  readonly entryId: string;
  readonly resolve: (owned: boolean) => void;
  readonly reject: (error: Error) => void;
}

/** Collects the acks of one event-loop turn, by queue, and sends them together. */
export class AckBatcher {
  private readonly waiting = new Map<QueueState, PendingAck[]>();
  private flushScheduled = false;
  private readonly flush = () => this.flushAll();

  constructor(private readonly state: ProviderState) {}

  /** Acknowledges a handled task; `false` when this consumer no longer owns the entry. */
  ack(task: DeliveredTask): Promise<boolean> {
    const q = queueOf(this.state, task);
    return new Promise<boolean>((resolve, reject) => {
      const waiting = this.waiting.get(q);
      if (waiting) waiting.push({ entryId: task.entryId, resolve, reject });
      else this.waiting.set(q, [{ entryId: task.entryId, resolve, reject }]);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** One ACK_MANY call per queue (per ACK_BATCH_MAX acks); each ack learns its own outcome. */
  private flushAll(): void {
    const { state } = this;
    this.flushScheduled = false;
    for (const [q, waiting] of this.waiting) {
      this.waiting.delete(q);
      for (let start = 0; start < waiting.length; start += ACK_BATCH_MAX) {
        const batch = waiting.slice(start, start + ACK_BATCH_MAX);
        const ids = batch.map((a) => a.entryId);
        const [lowest, highest] = streamIdRange(ids);
        commands(state)
          .jobgenAckMany(q.keys.stream, q.definition.group, state.consumer, lowest, highest, ...ids)
          .then(
            (owned) => batch.forEach((a, i) => a.resolve(owned[i] === 1)),
            (err: unknown) => {
              const error = failure(state, `acking ${batch.length} entries of ${q.keys.stream}`, err);
              for (const a of batch) a.reject(error);
            },
          );
      }
    }
  }
}

/** The lowest and highest of stream entry ids (`<ms>-<seq>`), in stream order. */
function streamIdRange(ids: readonly string[]): [string, string] {
  let lowest = ids[0] ?? "-";
  let highest = lowest;
  for (const id of ids) {
    if (compareStreamIds(id, lowest) < 0) lowest = id;
    if (compareStreamIds(id, highest) > 0) highest = id;
  }
  return [lowest, highest];
}

/** Stream order of two entry ids (`<ms>-<seq>`, decimal without leading zeros), without allocating. */
function compareStreamIds(a: string, b: string): number {
  const aDash = a.indexOf("-");
  const bDash = b.indexOf("-");
  if (aDash !== bDash) return aDash - bDash; // fewer digits: a smaller time
  for (let i = 0; i < aDash; i++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  if (a.length !== b.length) return a.length - b.length; // same time: fewer digits, smaller sequence
  return a < b ? -1 : a > b ? 1 : 0;
}
