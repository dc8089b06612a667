/**
 * One fault test's world: its own redis-server, ledger, worker fleet, producer and seeded PRNG;
 * `drain` waits (with the stated bound, I5) until every accepted task is final and Redis is quiet,
 * `finish` checks the invariants and prints the figures line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import type { QueueKeys } from "../../../runtime/redis/keys.js";
import { partitionKeys } from "../../../runtime/redis/partitions.js";
import { deleteKeys } from "../../support/redis.js";
import { redisClient } from "./client.js";
import { sharedRedisUrl } from "./target.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { QueueFullError } from "../../../runtime/errors.js";
import type { EnqueueOptions, EnqueuedTask } from "../../../runtime/types.js";
import { check, figuresLine, type CheckResult, type DeadLetterRecord, type QuietState } from "./checker.js";
import { WorkerFleet } from "./fleet.js";
import { effectKey } from "./idempotency.js";
import { LedgerState } from "./ledger-state.js";
import { LedgerReader, LedgerWriter, type Outcome } from "./ledger.js";
import { Prng } from "./prng.js";
import { RedisUnderTest } from "./redis-server.js";
import { ReplyDropProxy } from "../../support/reply-drop-proxy.js";
import { faultRegistry, QUEUE, WORK, type RegistryConfig, type WorkPayload } from "./registry.js";
import { SCALE, seedFor } from "./scale.js";
import { sleep, waitFor } from "./wait.js";
import { DEFAULT_WORKER_SETTINGS, type WorkerSettings } from "./worker-config.js";

export const KEY_PREFIX = "faults:";
/** How long a producer keeps retrying an enqueue that Redis rejected during an outage. */
const OUTAGE_RETRY_MS = 60_000;

/** What the test producer does when an enqueue rejects because Redis is cut off. */
export type OutageMode = "retry" | "give-up";
const TICK_MS = 100;

export interface RunOptions {
  readonly name: string;
  /** AOF `always` (restarts keep data); otherwise no persistence. @defaultValue false */
  readonly persistent?: boolean;
  readonly registry?: RegistryConfig;
  readonly worker?: Partial<WorkerSettings>;
  /** Producer and workers reach Redis through a {@link ReplyDropProxy} (the test's admin connection does not). */
  readonly throughProxy?: boolean;
  /** SIGKILL a worker this long after it reported a handler blocking its process. Absent: never. */
  readonly killBlockedAfterMs?: number;
}

/** Outcomes a payload leads to without faults. */
export function plannedOutcome(payload: WorkPayload, maxRetries: number): Outcome {
  if (payload.exit === "always" || payload.syncLoop === "always") return "dlq:poison";
  if (payload.hang === "always") return "dlq:max_retries";
  const failures = payload.failTimes ?? 0;
  if (failures > 0 && payload.failWith === "permanent") return "dlq:permanent";
  if (failures > maxRetries) return "dlq:max_retries";
  return "done";
}

export class FaultRun {
  readonly seed: number;
  readonly prng: Prng;
  readonly state = new LedgerState();
  readonly deadLetters = new Map<string, DeadLetterRecord[]>();
  /** The queue's keys (partition 0's when it is partitioned). */
  readonly keys: QueueKeys;
  /** The keys of every partition of the queue (one entry when it is not partitioned). */
  readonly partitions: readonly QueueKeys[];
  readonly fleet: WorkerFleet;
  readonly ledger: LedgerWriter;
  readonly maxRetries: number;
  /** Enqueue calls that rejected and were tried again (not losses: never accepted). */
  rejectedEnqueues = 0;
  /** Accepted tasks a test's fault destroys on purpose (Redis restarted without persistence). */
  readonly lostByDesign = new Set<string>();
  private readonly testViolations: string[] = [];
  private readonly reader: LedgerReader;
  /** The last DLQ entry read, per partition. */
  private readonly lastDeadLetterIds: string[];
  private readonly ticker: NodeJS.Timeout;
  private readonly killedBlocked = new Set<number>();
  private readonly startedAt = Date.now();

  private constructor(
    readonly options: RunOptions,
    readonly dir: string,
    readonly redis: RedisUnderTest,
    readonly admin: Redis,
    readonly producer: Producer,
    readonly proxy: ReplyDropProxy | undefined,
    /** KEY_PREFIX on the test's own server; on a shared Redis, one of the test's own. */
    readonly keyPrefix: string,
  ) {
    this.seed = seedFor(options.name);
    this.prng = new Prng(this.seed);
    const registry = faultRegistry(options.registry);
    const queue = registry.queues[QUEUE];
    if (!queue) throw new Error("fault registry without its queue");
    this.partitions = partitionKeys(queue, keyPrefix);
    const [first] = this.partitions;
    if (!first) throw new Error("fault queue without a partition");
    this.keys = first;
    this.lastDeadLetterIds = this.partitions.map(() => "-");
    this.maxRetries = options.registry?.maxRetries ?? 3;
    const ledgerPath = join(dir, "ledger.jsonl");
    this.ledger = new LedgerWriter(ledgerPath);
    this.reader = new LedgerReader(ledgerPath);
    this.fleet = new WorkerFleet(
      {
        ...DEFAULT_WORKER_SETTINGS,
        ...options.worker,
        redisUrl: proxy?.url ?? redis.url,
        keyPrefix,
        ledgerPath,
        markerDir: dir,
        registry: options.registry ?? {},
      },
      dir,
      this.ledger,
    );
    this.ticker = setInterval(() => this.refresh(), TICK_MS);
    console.log(
      `[${options.name}] seed ${this.seed} (replay: FAULTS_SEED=${this.seed}), schedule ${SCALE}, dir ${dir}`,
    );
  }

  static async start(options: RunOptions): Promise<FaultRun> {
    const dir = mkdtempSync(join(tmpdir(), `jobgen-${options.name}-`));
    const shared = sharedRedisUrl();
    const redis =
      shared === undefined
        ? await RedisUnderTest.start(dir, options.persistent ?? false)
        : RedisUnderTest.shared(shared);
    const keyPrefix =
      shared === undefined ? KEY_PREFIX : `${KEY_PREFIX}${options.name}:${randomBytes(3).toString("hex")}:`;
    const admin = redisClient(redis.url, { maxRetriesPerRequest: null });
    admin.on("error", () => undefined); // outages are the point; commands wait for the reconnect
    const proxy = options.throughProxy === true ? await ReplyDropProxy.start(redis.port) : undefined;
    const producer = createProducer(faultRegistry(options.registry), {
      redis: proxy?.url ?? redis.url,
      keyPrefix,
      logger: pino({ level: "warn" }, pino.destination(join(dir, "producer.log"))),
    });
    return new FaultRun(options, dir, redis, admin, producer, proxy, keyPrefix);
  }

  /** A PRNG of its own for one stream of decisions (so async interleaving does not change the others). */
  prngFor(stream: string): Prng {
    return new Prng((this.seed ^ seedFor(stream)) >>> 0);
  }

  /** A violation found by the test itself (timing bound, shutdown rule, …); `finish` reports it. */
  violate(message: string): void {
    this.testViolations.push(message);
  }

  /** Spawns `count` workers and waits until each has started. */
  async startWorkers(count: number, overrides: Partial<WorkerSettings> = {}): Promise<void> {
    const workers = Array.from({ length: count }, () => this.fleet.spawn(overrides));
    await waitFor(
      `${count} workers to start`,
      () => (this.refresh(), workers.every((w) => this.state.ready.has(w.pid))),
      {
        timeoutMs: 30_000,
        describe: () => workers.map((w) => w.logPath).join(", "),
      },
    );
  }

  /** Waits for a memory and pollution report from every live worker made after this call. */
  async freshReports(): Promise<void> {
    const since = Date.now();
    await waitFor(
      "a fresh report from every worker",
      () => {
        this.refresh();
        return this.fleet.workers.every((w) => (this.state.lastReportAt.get(w.pid) ?? 0) > since);
      },
      { timeoutMs: 10_000 },
    );
  }

  /** XADDs an entry by hand (as another producer might); it must reach the DLQ with one of `reasons`. */
  async inject(
    kind: string,
    fields: Record<string, string | Buffer>,
    reasons: readonly string[],
  ): Promise<void> {
    const id = `poison-${kind}`;
    const flat = Object.entries({ id, ...fields }).flat();
    const entryId = await this.admin.xadd(this.keys.stream, "*", ...flat);
    this.ledger.write({ ev: "injected", id, kind, entryId: entryId ?? "", reasons });
  }

  /** Folds new ledger events into {@link state}; kills workers stuck in a synchronous loop. */
  refresh(): void {
    for (const event of this.reader.readNew()) this.state.apply(event);
    const after = this.options.killBlockedAfterMs;
    if (after === undefined) return;
    for (const blocked of this.state.blocked) {
      if (Date.now() - blocked.t < after || this.killedBlocked.has(blocked.pid)) continue;
      const worker = this.fleet.find(blocked.pid);
      this.killedBlocked.add(blocked.pid);
      if (worker) this.fleet.signal(worker, "SIGKILL");
    }
  }

  /**
   * Enqueues one task; records it in the ledger once `enqueue` resolved (accepted). A refusal for
   * a full queue is recorded as refused. Other rejections (Redis cut off) depend on `onOutage`:
   * absent, they fail the test; `"retry"`: tried again for up to {@link OUTAGE_RETRY_MS} with an
   * idempotency key (a rejected call may have been written before its reply was lost, the key makes
   * the retry a no-op); `"give-up"`: no key, no retry, the task is simply not accepted.
   */
  async enqueue(
    payload: WorkPayload,
    options: { expect?: readonly Outcome[]; onOutage?: OutageMode; enqueue?: EnqueueOptions } = {},
  ): Promise<string | undefined> {
    const expect = options.expect ?? [plannedOutcome(payload, this.maxRetries)];
    const deadline = Date.now() + OUTAGE_RETRY_MS; // for "retry"
    const enqueueOptions: EnqueueOptions =
      options.onOutage === "retry"
        ? { idempotencyKey: `seq-${payload.seq}`, ...options.enqueue }
        : { ...options.enqueue };
    for (;;) {
      try {
        const task = await this.producer.enqueue(WORK, payload, enqueueOptions);
        this.recordEnqueued(task.id, payload, expect);
        return task.id;
      } catch (error) {
        const code = String((error as { code?: unknown }).code);
        // "give-up" never tries again: without a key a second call could write the task twice
        // (the first may have been written before its reply was lost).
        const givesUp =
          options.onOutage === "give-up" || (options.onOutage === "retry" && Date.now() > deadline);
        if (code === "QUEUE_FULL" || givesUp) {
          this.ledger.write({ ev: "refused", seq: payload.seq, code });
          return undefined;
        }
        if (options.onOutage === undefined) throw error;
        this.rejectedEnqueues += 1;
        await sleep(100);
      }
    }
  }

  /** Records an accepted task in the ledger, with the outcomes it may end in. */
  private recordEnqueued(id: string, payload: WorkPayload, expect: readonly Outcome[]): void {
    this.ledger.write({ ev: "enqueued", id, seq: payload.seq, expect, effect: payload.effect === true });
  }

  /**
   * Enqueues `payloads` with one `enqueueBulk` call: records each accepted item (from the result,
   * or from `QueueFullError.accepted` when the queue filled part way) and each refused one.
   */
  async enqueueBulk(payloads: readonly WorkPayload[]): Promise<number> {
    let accepted: readonly (EnqueuedTask | null)[];
    try {
      accepted = await this.producer.enqueueBulk(payloads.map((payload) => ({ type: WORK, payload })));
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      accepted = error.accepted.length > 0 ? error.accepted : payloads.map(() => null);
    }
    payloads.forEach((payload, i) => {
      const task = accepted[i];
      if (task) this.recordEnqueued(task.id, payload, [plannedOutcome(payload, this.maxRetries)]);
      else this.ledger.write({ ev: "refused", seq: payload.seq, code: "QUEUE_FULL" });
    });
    return accepted.filter((task) => task !== null).length;
  }

  /** Enqueues `count` tasks made by `make`, `ratePerSecond` of them a second, at most `inFlight` at once. */
  async load(
    count: number,
    ratePerSecond: number,
    make: (seq: number) => WorkPayload,
    options: {
      onOutage?: (payload: WorkPayload) => OutageMode;
      expect?: (payload: WorkPayload) => readonly Outcome[];
      inFlight?: number;
    } = {},
  ): Promise<void> {
    const started = Date.now();
    const running = new Set<Promise<unknown>>();
    const limit = options.inFlight ?? 64;
    for (let seq = 0; seq < count; seq++) {
      const dueAt = started + (seq * 1000) / ratePerSecond;
      if (dueAt > Date.now()) await sleep(dueAt - Date.now());
      while (running.size >= limit) await Promise.race(running);
      const payload = make(seq);
      const expect = options.expect?.(payload);
      const onOutage = options.onOutage?.(payload);
      const call = this.enqueue(payload, {
        ...(onOutage === undefined ? {} : { onOutage }),
        ...(expect === undefined ? {} : { expect }),
      });
      running.add(call);
      void call.finally(() => running.delete(call)).catch(() => undefined);
    }
    await Promise.all(running);
  }

  /** Reads dead-letter entries written since the last call, in every partition's DLQ. */
  async readDeadLetters(): Promise<void> {
    for (const [p, keys] of this.partitions.entries()) await this.readDeadLettersOf(p, keys);
  }

  private async readDeadLettersOf(partition: number, keys: QueueKeys): Promise<void> {
    for (;;) {
      const last = this.lastDeadLetterIds[partition] ?? "-";
      const start = last === "-" ? "-" : `(${last}`;
      const entries = await this.admin.xrange(keys.dlq, start, "+", "COUNT", 100);
      for (const [entryId, flat] of entries) {
        const fields = new Map<string, string>();
        for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] ?? "", flat[i + 1] ?? "");
        const id = fields.get("id") ?? fields.get("dlq_entry_id") ?? entryId;
        const record: DeadLetterRecord = {
          reason: fields.get("dlq_reason") ?? "(none)",
          error: fields.get("dlq_error") ?? "",
          entryId: fields.get("dlq_entry_id") ?? "",
          retry: fields.get("retry") ?? "",
        };
        this.deadLetters.set(id, [...(this.deadLetters.get(id) ?? []), record]);
        this.lastDeadLetterIds[partition] = entryId;
      }
      if (entries.length < 100) return;
    }
  }

  /** Pending, unread and delayed work left in Redis, in every partition. */
  async quiet(): Promise<QuietState> {
    const each = await Promise.all(this.partitions.map((keys) => this.quietOf(keys)));
    return {
      pending: each.reduce((n, q) => n + q.pending, 0),
      unread: each.reduce((n, q) => n + q.unread, 0),
      delayed: each.reduce((n, q) => n + q.delayed, 0),
      consumersWithPending: [...new Set(each.flatMap((q) => q.consumersWithPending))],
    };
  }

  private async quietOf(keys: QueueKeys): Promise<QuietState> {
    const groups = (await this.admin.xinfo("GROUPS", keys.stream)) as unknown[][];
    let pending = 0;
    let unread = 0;
    const consumersWithPending: string[] = [];
    for (const group of groups) {
      const info = pairs(group);
      const name = String(info.get("name"));
      pending += Number(info.get("pending") ?? 0);
      const lastDelivered = String(info.get("last-delivered-id") ?? "0-0");
      unread += (await this.admin.xrange(keys.stream, `(${lastDelivered}`, "+", "COUNT", 1)).length;
      const consumers = (await this.admin.xinfo("CONSUMERS", keys.stream, name)) as unknown[][];
      for (const consumer of consumers) {
        const c = pairs(consumer);
        if (Number(c.get("pending") ?? 0) > 0) consumersWithPending.push(`${name}/${String(c.get("name"))}`);
      }
    }
    if (groups.length === 0) unread = await this.admin.xlen(keys.stream);
    const delayed = await this.admin.zcard(keys.delayed);
    return { pending, unread, delayed, consumersWithPending };
  }

  /** Every accepted and injected task final (done or in the DLQ) and Redis quiet, within `boundMs` (I5). */
  async drain(boundMs: number): Promise<number> {
    const from = Date.now();
    let unresolved: string[] = [];
    let lastQuiet: QuietState | undefined;
    await waitFor(
      `every accepted task to be final and the queue quiet (I5, bound ${boundMs} ms)`,
      async () => {
        this.refresh();
        await this.readDeadLetters();
        unresolved = [...this.state.enqueued.keys(), ...this.state.injected.keys()].filter(
          (id) =>
            (this.state.done.get(id) ?? 0) === 0 && !this.deadLetters.has(id) && !this.lostByDesign.has(id),
        );
        if (unresolved.length > 0) return false;
        lastQuiet = await this.quiet();
        return lastQuiet.pending + lastQuiet.unread + lastQuiet.delayed === 0;
      },
      {
        timeoutMs: boundMs,
        intervalMs: 250,
        describe: () =>
          `${unresolved.length} unresolved (${unresolved.slice(0, 3).join(", ")}), last quiet state ${JSON.stringify(lastQuiet)}`,
      },
    );
    return Date.now() - from;
  }

  /** The done tasks whose side effect key exists in Redis. */
  private async effectsInRedis(): Promise<Set<string>> {
    const ids = [...this.state.enqueued]
      .filter(([id, a]) => a.effect && this.state.done.has(id))
      .map(([id]) => id);
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 1_000) {
      // One EXISTS per key, sent together: on a Cluster the keys are in many slots.
      const chunk = ids.slice(i, i + 1_000);
      const replies = await Promise.all(chunk.map((id) => this.admin.exists(effectKey(this.keyPrefix, id))));
      chunk.forEach((id, k) => {
        if (replies[k] === 1) found.add(id);
      });
    }
    return found;
  }

  /** Checks the invariants and prints the figures line. */
  async finish(extra = ""): Promise<CheckResult> {
    this.refresh();
    await this.readDeadLetters();
    let destroyed = 0;
    for (const id of this.lostByDesign) {
      if ((this.state.done.get(id) ?? 0) > 0 || this.deadLetters.has(id)) continue;
      this.state.enqueued.delete(id);
      destroyed += 1;
    }
    const result = check(
      this.state,
      this.deadLetters,
      await this.quiet(),
      await this.effectsInRedis(),
      this.maxRetries,
    );
    result.violations.push(...this.testViolations);
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const notes = [
      `${this.fleet.spawnedCount} workers spawned, ${this.state.abnormalExits} died`,
      this.rejectedEnqueues > 0 ? `${this.rejectedEnqueues} enqueue rejections retried` : "",
      destroyed > 0 ? `${destroyed} accepted tasks destroyed on purpose by the fault` : "",
      `max worker RSS ${(this.state.maxRss / 2 ** 20).toFixed(0)} MB`,
      extra,
    ].filter((n) => n !== "");
    console.log(
      `[${this.options.name}] ${figuresLine(result.figures)} — ${seconds}s, seed ${this.seed} (${notes.join("; ")})`,
    );
    for (const violation of result.violations) console.log(`[${this.options.name}] VIOLATION ${violation}`);
    return result;
  }

  /** Stops workers, producer and Redis; keeps the directory (ledger, logs) when the test failed. */
  async close(keepDir: boolean): Promise<void> {
    clearInterval(this.ticker);
    await this.fleet.stopAll(5_000);
    await this.producer.close().catch(() => undefined);
    if (this.redis.shared) await deleteKeys(this.admin, this.keyPrefix).catch(() => undefined);
    this.admin.disconnect();
    await this.proxy?.close();
    if (!this.redis.shared) await this.redis.kill();
    this.ledger.close();
    if (keepDir) console.log(`[${this.options.name}] kept ${this.dir} (ledger.jsonl, worker logs)`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

function pairs(flat: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}
