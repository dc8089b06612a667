// The rolling deploy, on a real Redis, for a table of 40 schema changes: one task per change in
// test/fixtures/evolution-v1/schema.yaml and evolution-v2/schema.yaml (their generated clients are
// golden fixtures). For every row, `jobgen diff`'s verdict (pinned below) must be what happens:
//
// 1. a backlog of v1 tasks: delayed retries (a v1 worker failed them once) and waiting entries;
// 2. then v1 and v2 producers write live traffic at once, while a v1 worker and a v2 worker
//    consume the queue together (one consumer group; each entry goes to whichever reads first);
// 3. every task ends handled or dead-lettered, and per row:
//    - backward breaking ⇔ some v1 task was dead-lettered by the v2 worker,
//    - forward breaking ⇔ some v2 task was dead-lettered by the v1 worker,
//    - safe ⇒ no dead letter; with an upcast, no dead letter and the v2 handler sees only the
//      current type (v2 tasks the v1 worker met were handed back to the v2 worker),
//    - each dead letter names the skew: version_skew (another schema of the payload),
//      unknown_version (a version the worker does not read) or unknown_type (a task it lacks).
// Witnesses go through both workers many times (16 live tasks per payload per producer), so a
// breaking row that does not dead-letter means the verdict and the runtime disagree.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Change } from "../../../codegen/diff/change.js";
import { diffSchemas } from "../../../codegen/diff/diff.js";
import { loadSchema } from "../../../codegen/load/load.js";
import { RetryAfterError, createProducer, type Producer, type TaskContext } from "../../../runtime/index.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { QueueDefinition, TaskDefinition, TaskRegistry } from "../../../runtime/types.js";
import * as v1 from "../../fixtures/evolution-v1/out/index.js";
import * as v2 from "../../fixtures/evolution-v2/out/index.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

type Verdict = "safe" | "breaking";
type Producer_ = "v1" | "v2" | "older";

interface Row {
  readonly task: string;
  /** `jobgen diff`'s verdict for the row, pinned. */
  readonly backward: Verdict;
  readonly forward: Verdict;
  /** Payloads the v1 producer writes (backlog, delayed retries and live traffic). */
  readonly v1?: readonly unknown[];
  /** Payloads the v2 producer writes (live traffic). */
  readonly v2?: readonly unknown[];
  /** Entries of an earlier payload version still queued from before v1 (written raw, version 1). */
  readonly older?: readonly unknown[];
  /** An upcast row: what the v2 handler must see of every payload. */
  readonly current?: (payload: Record<string, unknown>) => boolean;
}

const ROWS: readonly Row[] = [
  {
    task: "r01_add_optional",
    backward: "safe",
    forward: "breaking",
    v1: [{ a: "x" }],
    v2: [{ a: "x" }, { a: "x", b: "y" }],
  },
  {
    task: "r02_add_required",
    backward: "breaking",
    forward: "breaking",
    v1: [{ a: "x" }],
    v2: [{ a: "x", b: "y" }],
  },
  {
    task: "r03_add_required_default",
    backward: "safe",
    forward: "breaking",
    v1: [{ a: "x" }],
    v2: [{ a: "x" }],
  },
  {
    task: "r04_add_to_open_object",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x" }, { a: "x", b: 5 }],
    v2: [{ a: "x", b: "y" }],
  },
  {
    task: "r05_remove_from_closed",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x", b: "y" }],
    v2: [{ a: "x" }],
  },
  {
    task: "r06_remove_from_open",
    backward: "safe",
    forward: "breaking",
    v1: [{ a: "x", b: "y" }],
    v2: [{ a: "x" }, { a: "x", b: 5 }],
  },
  {
    task: "r07_make_required",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x" }],
    v2: [{ a: "x", b: "y" }],
  },
  {
    task: "r08_make_optional",
    backward: "safe",
    forward: "breaking",
    v1: [{ a: "x", b: "y" }],
    v2: [{ a: "x" }],
  },
  { task: "r09_add_default", backward: "safe", forward: "safe", v1: [{ a: "x" }], v2: [{ a: "x" }] },
  { task: "r10_change_default", backward: "safe", forward: "safe", v1: [{ a: "x" }], v2: [{ a: "x" }] },
  {
    task: "r11_close_object",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x" }, { a: "x", extra: 1 }],
    v2: [{ a: "x" }],
  },
  {
    task: "r12_open_object",
    backward: "safe",
    forward: "breaking",
    v1: [{ a: "x" }],
    v2: [{ a: "x", extra: 1 }],
  },
  { task: "r13_integer_to_number", backward: "safe", forward: "breaking", v1: [{ n: 1 }], v2: [{ n: 1.5 }] },
  { task: "r14_number_to_integer", backward: "breaking", forward: "safe", v1: [{ n: 1.5 }], v2: [{ n: 2 }] },
  { task: "r15_add_null", backward: "safe", forward: "breaking", v1: [{ s: "x" }], v2: [{ s: null }] },
  { task: "r16_change_type", backward: "breaking", forward: "breaking", v1: [{ v: "x" }], v2: [{ v: true }] },
  { task: "r17_enum_value_added", backward: "safe", forward: "breaking", v1: [{ e: "a" }], v2: [{ e: "c" }] },
  {
    task: "r18_enum_value_removed",
    backward: "breaking",
    forward: "safe",
    v1: [{ e: "b" }],
    v2: [{ e: "a" }],
  },
  {
    task: "r19_maxlength_tightened",
    backward: "breaking",
    forward: "safe",
    v1: [{ s: "12345678" }],
    v2: [{ s: "123" }],
  },
  {
    task: "r20_maxlength_loosened",
    backward: "safe",
    forward: "breaking",
    v1: [{ s: "123" }],
    v2: [{ s: "12345678" }],
  },
  { task: "r21_minimum_raised", backward: "breaking", forward: "safe", v1: [{ n: 0 }], v2: [{ n: 1 }] },
  {
    task: "r22_maxitems_tightened",
    backward: "breaking",
    forward: "safe",
    v1: [{ l: [1, 2, 3, 4] }],
    v2: [{ l: [1] }],
  },
  {
    task: "r23_multipleof_finer",
    backward: "safe",
    forward: "breaking",
    v1: [{ n: 0.3 }],
    v2: [{ n: 0.05 }],
  },
  {
    task: "r24_pattern_changed",
    backward: "breaking",
    forward: "breaking",
    v1: [{ s: "aaa" }],
    v2: [{ s: "bbb" }],
  },
  {
    task: "r25_format_added",
    backward: "breaking",
    forward: "safe",
    v1: [{ s: "plain" }],
    v2: [{ s: "a@example.com" }],
  },
  {
    task: "r26_format_removed",
    backward: "safe",
    forward: "breaking",
    v1: [{ s: "a@example.com" }],
    v2: [{ s: "plain" }],
  },
  {
    task: "r27_inline_to_ref",
    backward: "safe",
    forward: "safe",
    v1: [{ to: { city: "Oslo" } }],
    v2: [{ to: { city: "Oslo" } }],
  },
  {
    task: "r28_shared_type_narrowed",
    backward: "breaking",
    forward: "safe",
    v1: [{ m: { amount: 1.5 } }],
    v2: [{ m: { amount: 2 } }],
  },
  {
    task: "r29_anyof_branch_added",
    backward: "safe",
    forward: "breaking",
    v1: [{ v: "x" }],
    v2: [{ v: true }],
  },
  {
    task: "r30_oneof_branch_removed",
    backward: "breaking",
    forward: "safe",
    v1: [{ v: 5 }],
    v2: [{ v: "x" }],
  },
  {
    task: "r31_uniqueitems_added",
    backward: "breaking",
    forward: "safe",
    v1: [{ l: [1, 1] }],
    v2: [{ l: [1, 2] }],
  },
  { task: "r32_equivalent_bound", backward: "safe", forward: "safe", v1: [{ n: 1 }], v2: [{ n: 1 }] },
  { task: "r33_policy_changed", backward: "safe", forward: "safe", v1: [{ a: "x" }], v2: [{ a: "x" }] },
  {
    task: "r34_upcast_required_added",
    backward: "safe",
    forward: "safe",
    v1: [{ a: "x" }],
    v2: [{ a: "x", b: "y" }],
    current: (payload) => typeof payload.b === "string",
  },
  {
    task: "r35_upcast_field_renamed",
    backward: "safe",
    forward: "safe",
    v1: [{ name: "Ada" }],
    v2: [{ fullName: "Ada L" }],
    current: (payload) => typeof payload.fullName === "string" && !("name" in payload),
  },
  {
    task: "r36_upcast_type_changed",
    backward: "safe",
    forward: "safe",
    v1: [{ euros: 1.25 }],
    v2: [{ cents: 300 }],
    current: (payload) => Number.isInteger(payload.cents) && !("euros" in payload),
  },
  {
    task: "r37_version_without_upcast",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x" }],
    v2: [{ a: "x", b: "y" }],
  },
  {
    task: "r38_kept_version_dropped",
    backward: "breaking",
    forward: "safe",
    v1: [{ a: "x", b: "y" }],
    v2: [{ a: "x", b: "y" }],
    older: [{ a: "x" }],
  },
  { task: "r39_task_removed", backward: "breaking", forward: "safe", v1: [{ a: "x" }] },
  { task: "r40_task_added", backward: "safe", forward: "breaking", v2: [{ x: "y" }] },
];

/** Tasks per payload: delayed retries and waiting entries of the backlog, live traffic per producer. */
const RETRIED = 2;
const WAITING = 4;
const LIVE = 16;

const logger = pino({ level: "silent" });
const prefix = uniquePrefix("rolling");
const redisUrl = (): string => testRedisUrl();
const fixture = (side: string): string =>
  readFileSync(resolve(import.meta.dirname, `../../fixtures/evolution-${side}/schema.yaml`), "utf8");

/** What a handler saw. */
interface Handled {
  readonly taskId: string;
  readonly worker: "v1" | "v2";
  readonly producer: Producer_;
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/** A dead-lettered task as its DLQ record has it. */
interface DeadLetter {
  readonly taskId: string;
  readonly worker: "v1" | "v2";
  readonly producer: Producer_;
  readonly type: string;
  readonly reason: string;
  readonly error: string;
}

const accepted = new Map<string, { type: string; producer: Producer_ }>();
const handled: Handled[] = [];
let deadLetters: DeadLetter[] = [];
let changes: Change[] = [];
let deferred = 0;

function handlersOf(worker: "v1" | "v2", wireNames: Readonly<Record<string, string>>, failFirst = false) {
  const handle = async (payload: unknown, ctx: TaskContext<unknown>): Promise<void> => {
    if (failFirst && ctx.attempt === 1) throw new RetryAfterError(1500, "fail once, to be a delayed retry");
    handled.push({
      taskId: ctx.taskId,
      worker,
      producer: (ctx.metadata.producer ?? "older") as Producer_,
      type: ctx.type,
      payload: payload as Record<string, unknown>,
    });
  };
  return Object.fromEntries(Object.keys(wireNames).map((member) => [member, handle]));
}

/** The upcasts of the v2 client: typed by the generated UpcastsFor, so a missing one does not compile. */
const upcastsV2: v2.UpcastsFor<"default"> = {
  r34UpcastRequiredAdded: { fromV1: (old) => ({ a: old.a, b: "upcast" }) },
  r35UpcastFieldRenamed: { fromV1: (old) => ({ fullName: old.name }) },
  r36UpcastTypeChanged: { fromV1: (old) => ({ cents: Math.round(old.euros * 100) }) },
};
/** The v1 client already keeps version 1 of r38 (which v2 drops). */
const upcastsV1: v1.UpcastsFor<"default"> = {
  r38KeptVersionDropped: { fromV1: (old) => ({ a: old.a, b: "upcast" }) },
};

function workerOptions(name: "v1" | "v2") {
  return {
    queues: ["default"] as const,
    redis: redisUrl(),
    keyPrefix: prefix,
    logger,
    consumer: `${name}-worker`,
    concurrency: 2,
    block: 50,
    maxVersionDeferrals: 60,
    versionDeferralDelay: 5,
  };
}

const v1Worker = () =>
  v1.createWorker(workerOptions("v1"), handlersOf("v1", v1.wireNames) as unknown as v1.Handlers, upcastsV1);
const v2Worker = () =>
  v2.createWorker(workerOptions("v2"), handlersOf("v2", v2.wireNames) as unknown as v2.Handlers, upcastsV2);

async function enqueueAll(
  producer: Producer,
  name: "v1" | "v2",
  payloadsOf: (row: Row) => readonly unknown[] | undefined,
  times: number,
  extra: Readonly<Record<string, string>> = {},
): Promise<void> {
  const items = ROWS.flatMap((row) =>
    (payloadsOf(row) ?? []).flatMap((payload) =>
      Array.from({ length: times }, () => ({
        type: row.task,
        payload,
        options: { metadata: { producer: name, ...extra } },
      })),
    ),
  );
  // A fixed shuffle: rows and producers interleave, so each worker reads a mix of both.
  let seed = name === "v1" ? 7 : 13;
  const shuffled = items
    .map((item) => ({ item, key: (seed = (seed * 48271) % 2147483647) }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
  for (let start = 0; start < shuffled.length; start += 25) {
    for (const task of await producer.enqueueBulk(shuffled.slice(start, start + 25))) {
      accepted.set(task.id, { type: task.type, producer: name });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  changes = diffSchemas(loadSchema("v1.yaml", fixture("v1")), loadSchema("v2.yaml", fixture("v2")));
  const redis = connect();
  const queue = v1.registry.queues.default as QueueDefinition;
  const keys = queueKeys(queue, prefix);
  const producerV1 = createProducer(v1.registry, { redis: redisUrl(), keyPrefix: prefix, logger });
  const producerV2 = createProducer(v2.registry, { redis: redisUrl(), keyPrefix: prefix, logger });
  try {
    // 1a. Delayed retries: a v1 worker fails each of these once; they wait in the delayed set.
    await enqueueAll(producerV1, "v1", (row) => row.v1, RETRIED, { phase: "retry" });
    const failing = v1.createWorker(
      workerOptions("v1"),
      handlersOf("v1", v1.wireNames, true) as unknown as v1.Handlers,
      upcastsV1,
    );
    await failing.start();
    await until(async () => (await redis.zcard(keys.delayed)) === accepted.size, "the delayed retries");
    await failing.stop();
    // 1b. Waiting entries: v1 tasks, and entries of r38's version 1 from before v1.
    await enqueueAll(producerV1, "v1", (row) => row.v1, WAITING);
    for (const row of ROWS) {
      for (const payload of row.older ?? []) {
        for (let i = 0; i < LIVE; i++) {
          const id = `older-${row.task}-${i}`;
          const metadata = JSON.stringify({ producer: "older", type: row.task });
          await redis.xadd(
            keys.stream,
            "*",
            "type",
            row.task,
            "payload",
            JSON.stringify(payload),
            "id",
            id,
            "metadata",
            metadata,
          );
          accepted.set(id, { type: row.task, producer: "older" });
        }
      }
    }
    // 2. The rolling deploy: both workers consume while both producers write.
    const workers = [v1Worker(), v2Worker()];
    await Promise.all(workers.map((worker) => worker.start()));
    await Promise.all([
      enqueueAll(producerV1, "v1", (row) => row.v1, LIVE),
      enqueueAll(producerV2, "v2", (row) => row.v2, LIVE),
    ]);
    await until(
      async () => handled.length + (await redis.xlen(keys.dlq)) >= accepted.size,
      "every task to end",
    );
    await Promise.all(workers.map((worker) => worker.stop()));
    deferred = workers.reduce(
      (sum, worker) =>
        sum +
        Object.values(worker.metrics.snapshot().processed).reduce(
          (n, byOutcome) => n + (byOutcome.deferred ?? 0),
          0,
        ),
      0,
    );
    deadLetters = (await redis.xrange(keys.dlq, "-", "+")).map(([, raw]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
      return {
        taskId: fields.id ?? "",
        worker: fields.dlq_consumer === "v1-worker" ? "v1" : "v2",
        producer: (fields.producer ?? "older") as Producer_,
        type: fields.type ?? "",
        reason: fields.dlq_reason ?? "",
        error: fields.dlq_error ?? "",
      };
    });
  } finally {
    await Promise.all([producerV1.close(), producerV2.close()]);
    redis.disconnect();
  }
}, 120_000);

afterAll(async () => {
  const redis = connect();
  await deleteKeys(redis, prefix);
  await deleteKeys(redis, `{${prefix}`);
  redis.disconnect();
});

describe("a rolling deploy of 40 schema changes: jobgen diff's verdict is what happens", () => {
  it("has every task of the fixtures in the table, and every task accounted for exactly once", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    const tasks = new Set([...Object.keys(v1.registry.tasks), ...Object.keys(v2.registry.tasks)]);
    expect(ROWS.map((row) => row.task).sort()).toEqual([...tasks].sort());
    const ends = [...handled.map((h) => h.taskId), ...deadLetters.map((d) => d.taskId)];
    expect(ends.length).toBe(accepted.size);
    expect(new Set(ends)).toEqual(new Set(accepted.keys()));
  });

  it("both workers handled tasks of both producers, and v1 workers handed v2-version tasks back", () => {
    for (const worker of ["v1", "v2"] as const) {
      for (const producer of ["v1", "v2"] as const) {
        expect(handled.filter((h) => h.worker === worker && h.producer === producer).length).toBeGreaterThan(
          100,
        );
      }
    }
    expect(deferred).toBeGreaterThan(0);
  });

  it("every handler saw a payload valid against its own worker's current schema", () => {
    const registries: Record<"v1" | "v2", TaskRegistry> = { v1: v1.registry, v2: v2.registry };
    for (const h of handled) {
      const definition = registries[h.worker].tasks[h.type] as TaskDefinition;
      expect(
        definition.validator.safeParse(h.payload).success,
        `${h.worker} ${h.type} ${JSON.stringify(h.payload)}`,
      ).toBe(true);
    }
  });

  it.each(ROWS)("$task: backward $backward, forward $forward", (row) => {
    const mine = changes.filter((change) => change.task === row.task);
    const verdict = (direction: "backward" | "forward"): Verdict =>
      mine.some((change) => change[direction].breaking) ? "breaking" : "safe";
    expect({ backward: verdict("backward"), forward: verdict("forward") }, "jobgen diff").toEqual({
      backward: row.backward,
      forward: row.forward,
    });

    const dead = deadLetters.filter((d) => d.type === row.task);
    const backwardDead = dead.filter((d) => d.worker === "v2" && d.producer !== "v2");
    const forwardDead = dead.filter((d) => d.worker === "v1" && d.producer === "v2");
    expect(
      {
        backward: backwardDead.length > 0 ? "breaking" : "safe",
        forward: forwardDead.length > 0 ? "breaking" : "safe",
      },
      "what happened to the tasks",
    ).toEqual({ backward: row.backward, forward: row.forward });
    expect(dead.length, "no other dead letter").toBe(backwardDead.length + forwardDead.length);

    const rules = new Set(mine.map((change) => change.rule));
    const skew =
      rules.has("TASK_ADDED") || rules.has("TASK_REMOVED")
        ? "unknown_type"
        : rules.has("VERSION_CHANGED") || rules.has("VERSION_DROPPED")
          ? "unknown_version"
          : "version_skew";
    for (const d of dead) expect(`${d.reason}: ${d.error}`).toMatch(new RegExp(`^${skew}: `));

    if (row.current !== undefined) {
      const seen = handled.filter((h) => h.type === row.task && h.worker === "v2");
      expect(seen.filter((h) => h.producer === "v1").length, "v2 handled upcast v1 tasks").toBeGreaterThan(0);
      for (const h of seen) expect(row.current(h.payload), JSON.stringify(h.payload)).toBe(true);
      expect(
        handled.filter((h) => h.type === row.task && h.producer === "v2").every((h) => h.worker === "v2"),
      ).toBe(true);
    }
  });
});
