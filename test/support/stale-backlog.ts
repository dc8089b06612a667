/**
 * A backlog of stale entries (pending on a consumer that died) and the baseline that drains it:
 * a plain XAUTOCLAIM loop per worker, claiming as many entries as a jobgen worker's default
 * concurrency and acking them, with no validation or middleware.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { encodeTaskFields, fieldsToArgs } from "../../runtime/wire/codec.js";

/** Entries one plain loop claims at once: a jobgen worker's default concurrency. */
export const PLAIN_CLAIM_COUNT = 10;

/**
 * Writes `count` send_email entries to `stream`, reads them all as consumer `dead` of group
 * `workers`, and waits until they have been idle for `minIdleMs`.
 */
export async function makeStaleBacklog(redis: Redis, stream: string, count: number, minIdleMs: number) {
  await redis.xgroup("CREATE", stream, "workers", "0", "MKSTREAM");
  for (let start = 0; start < count; start += 500) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const fields = encodeTaskFields({
        id: randomUUID(),
        type: "send_email",
        payload: JSON.stringify({ to: "a@b.co", subject: `stale ${i}` }),
        createdAt: new Date(),
        retry: 0,
        maxRetry: 5,
        timeoutMs: 10_000,
        metadata: {},
        correlationId: randomUUID(),
      });
      pipeline.xadd(stream, "*", ...fieldsToArgs(fields));
    }
    await pipeline.exec();
  }
  await redis.xreadgroup("GROUP", "workers", "dead", "COUNT", count, "STREAMS", stream, ">");
  await new Promise((resolve) => setTimeout(resolve, minIdleMs + 20));
}

/**
 * Drains the stale entries of `stream` with `loops` concurrent plain loops (each on its own
 * connection): XAUTOCLAIM PLAIN_CLAIM_COUNT, then XACK and XDEL what it got, until a claim finds
 * nothing. Resolves with the milliseconds it took.
 */
export async function drainWithPlainLoop(
  redis: Redis,
  stream: string,
  loops: number,
  minIdleMs: number,
): Promise<number> {
  const clients = Array.from({ length: loops }, () => redis.duplicate());
  await Promise.all(clients.map((c) => c.ping()));
  const started = Date.now();
  await Promise.all(
    clients.map(async (client, n) => {
      let cursor = "0-0";
      for (;;) {
        const [next, entries] = (await client.xautoclaim(
          stream,
          "workers",
          `plain-${n}`,
          minIdleMs,
          cursor,
          "COUNT",
          PLAIN_CLAIM_COUNT,
        )) as [string, [string, string[]][]];
        cursor = next;
        const ids = entries.map(([id]) => id);
        if (ids.length > 0) {
          await client
            .pipeline()
            .xack(stream, "workers", ...ids)
            .xdel(stream, ...ids)
            .exec();
        } else if (cursor === "0-0") {
          return;
        }
      }
    }),
  );
  const took = Date.now() - started;
  for (const client of clients) client.disconnect();
  return took;
}
