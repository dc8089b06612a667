/**
 * The ledger: an append-only file per test, outside Redis, one JSON line per event. The test
 * process and every worker process append to it (`O_APPEND`, one `write` per line, so lines never
 * interleave); the checker reads it back and compares it with what Redis holds at the end.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";

/** A final state a task may legitimately reach in a test: `done` or `dlq:<reason>`. */
export type Outcome = "done" | `dlq:${string}`;

export type LedgerEvent = { readonly t: number } & (
  | {
      /** The producer's enqueue resolved: the task is accepted. */
      readonly ev: "enqueued";
      readonly id: string;
      readonly seq: number;
      /** Outcomes this test allows for the task. */
      readonly expect: readonly Outcome[];
      /** Side effect through the idempotency helper expected exactly once when done. */
      readonly effect: boolean;
    }
  | { readonly ev: "refused"; readonly seq: number; readonly code: string }
  | {
      /** An entry XADDed by hand (poison); it must reach the DLQ with `reason`, unhandled. */
      readonly ev: "injected";
      readonly id: string;
      readonly kind: string;
      readonly entryId: string;
      /** The DLQ reasons that are right for it (usually one). */
      readonly reasons: readonly string[];
    }
  | {
      readonly ev: "started" | "done" | "failed" | "effect";
      readonly id: string;
      readonly seq: number;
      readonly pid: number;
      readonly consumer: string;
      readonly attempt: number;
      readonly error?: string;
    }
  | {
      /** A worker hook killed its own process around a transition script call. */
      readonly ev: "hook";
      readonly id: string;
      /** The attempt whose transition it struck. */
      readonly attempt: number;
      readonly pid: number;
      readonly point: string;
      readonly command: string;
    }
  | { readonly ev: "ready"; readonly pid: number; readonly consumer: string }
  | {
      /** The worker process received SIGTERM (written by its first listener, before the runtime's). */
      readonly ev: "sigterm-seen";
      readonly pid: number;
    }
  | {
      /** A read of new work (XREADGROUP / XAUTOCLAIM) sent after the worker saw SIGTERM. */
      readonly ev: "read-after-signal";
      readonly pid: number;
      readonly command: string;
    }
  | {
      /** A handler is about to block its whole process in a synchronous loop (the watchdog kills it). */
      readonly ev: "blocked";
      readonly id: string;
      readonly pid: number;
    }
  | {
      /** Periodic sample of a worker: resident memory and the prototype-pollution probe. */
      readonly ev: "report";
      readonly pid: number;
      readonly consumer: string;
      readonly rss: number;
      readonly polluted: boolean;
    }
  | { readonly ev: "signal"; readonly pid: number; readonly consumer: string; readonly signal: string }
  | {
      readonly ev: "exited";
      readonly pid: number;
      readonly consumer: string;
      readonly code: number | null;
      readonly signal: string | null;
    }
  | {
      /** The test cut Redis off (server killed, connections killed); in-flight attempts may repeat. */
      readonly ev: "outage";
      readonly what: string;
    }
);

/** Distributes over the union so each variant keeps its own fields. */
type WithoutTime<E> = E extends unknown ? Omit<E, "t"> : never;
export type LedgerEntry = WithoutTime<LedgerEvent>;

export class LedgerWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  write(event: LedgerEntry): void {
    writeSync(this.fd, `${JSON.stringify({ ...event, t: Date.now() })}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads the events appended since the last call (complete lines only). */
export class LedgerReader {
  private offset = 0;
  private rest = "";

  constructor(readonly path: string) {}

  readNew(): LedgerEvent[] {
    const fd = openSync(this.path, "r");
    const chunks: Buffer[] = [];
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (read === 0) break;
        this.offset += read;
        chunks.push(Buffer.from(buffer.subarray(0, read)));
      }
    } finally {
      closeSync(fd);
    }
    const text = this.rest + Buffer.concat(chunks).toString("utf8");
    const lines = text.split("\n");
    this.rest = lines.pop() ?? "";
    return lines.filter((line) => line !== "").map((line) => JSON.parse(line) as LedgerEvent);
  }
}
