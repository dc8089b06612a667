// Fault 5: poison entries XADDed by hand among valid ones. Each reaches the DLQ on its first
// delivery with its reason and its handler never runs; Object.prototype stays clean in the
// worker; the worker's memory stays bounded.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { WORK } from "./support/registry.js";
import { bySchedule } from "./support/scale.js";

const VALID_TASKS = bySchedule(60, 600);
const DRAIN_BOUND_MS = 60_000;
/** What "bounded" means for a worker that met a 20 MB entry. */
const RSS_BOUND_BYTES = 512 * 2 ** 20;

const deep = (levels: number): string => `${"[".repeat(levels)}${"]".repeat(levels)}`;

const POISON: readonly {
  kind: string;
  type?: string;
  payload?: string | Buffer;
  reasons: readonly string[];
}[] = [
  { kind: "schema-invalid", payload: JSON.stringify({ seq: "not a number" }), reasons: ["validation"] },
  { kind: "not-json", payload: '{"seq": 1,', reasons: ["malformed"] },
  {
    kind: "invalid-utf8",
    payload: Buffer.concat([
      Buffer.from('{"seq":1,"label":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]),
    reasons: ["malformed"],
  },
  { kind: "no-payload", reasons: ["malformed"] },
  {
    kind: "proto-key",
    payload: '{"seq":1,"__proto__":{"polluted":"yes"}}',
    reasons: ["validation", "malformed"],
  },
  {
    kind: "constructor-prototype",
    payload: '{"seq":1,"constructor":{"prototype":{"polluted":"yes"}}}',
    reasons: ["validation", "malformed"],
  },
  { kind: "deep-10k", payload: `{"seq":1,"label":${deep(10_000)}}`, reasons: ["too_large"] },
  { kind: "huge-20mb", payload: `{"seq":1,"label":"${"x".repeat(20 * 2 ** 20)}"}`, reasons: ["too_large"] },
  { kind: "unknown-type", type: "no_such_task", payload: '{"seq":1}', reasons: ["unknown_type"] },
];

it("fault 5: poison entries are dead-lettered on first delivery, unhandled, without pollution", async () => {
  await withFaultRun({ name: "fault-05-poison", worker: { concurrency: 4 } }, async (run) => {
    await run.startWorkers(1);
    const every = Math.floor(VALID_TASKS / POISON.length);
    let poison = 0;
    for (let seq = 0; seq < VALID_TASKS; seq++) {
      await run.enqueue({ seq, durationMs: 5 });
      const entry = seq % every === 0 ? POISON[poison] : undefined;
      if (!entry) continue;
      poison += 1;
      await run.inject(
        entry.kind,
        {
          type: entry.type ?? WORK,
          ...(entry.payload === undefined ? {} : { payload: entry.payload }),
          created_at: new Date().toISOString(),
          retry: "0",
          max_retry: "3",
          timeout: "10s",
          metadata: "{}",
        },
        entry.reasons,
      );
    }
    const drainedMs = await run.drain(DRAIN_BOUND_MS);
    await run.freshReports();
    if (run.state.maxRss > RSS_BOUND_BYTES) {
      run.violate(`worker RSS reached ${run.state.maxRss} bytes (bound ${RSS_BOUND_BYTES})`);
    }
    if (run.state.maxRssByPid.size === 0) run.violate("no worker reported its memory and pollution probe");
    return `${poison} poison entries injected; drained in ${drainedMs} ms`;
  });
});
