// The CLI on a partitioned queue, run as a user runs it: `jobgen stats` adds up the partitions and
// lists their streams, `jobgen dlq list` names entries by partition, and `jobgen diff` refuses a
// changed partition count with the drain step.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema } from "../../../codegen/load/load.js";
import { registryFromModel } from "../../../codegen/operations/schema-registry.js";
import { createProducer } from "../../../runtime/producer/producer.js";
import { partitionKeys } from "../../../runtime/redis/partitions.js";
import { runJobgen } from "../../support/cli.js";
import { addDeadLetter } from "../../support/dead-letters.js";
import { quietLogger } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

const schema = (partitions: number) => `version: 1
queues:
  orders: { stream: orders, partitions: ${partitions} }
tasks:
  charge:
    queue: orders
    partitionKey: customer
    payload:
      type: object
      required: [customer]
      properties: { customer: { type: string } }
`;

describe("jobgen CLI on a partitioned queue", () => {
  let redis: Redis;
  let dir: string;
  const prefix = uniquePrefix("cli-partitions");
  beforeAll(() => {
    redis = connect();
    dir = mkdtempSync(join(tmpdir(), "jobgen-partitions-"));
    writeFileSync(join(dir, "jobs.yaml"), schema(3));
    writeFileSync(join(dir, "jobs-4.yaml"), schema(4));
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const jobgen = (...args: string[]) =>
    runJobgen([...args, "--schema", join(dir, "jobs.yaml"), "--prefix", prefix], {
      REDIS_URL: testRedisUrl(),
    });

  it("stats sums the partitions and lists their streams; dlq names entries by partition", async () => {
    const registry = registryFromModel(loadSchema("jobs.yaml", schema(3)));
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    for (const customer of ["ann", "bob", "cy", "dee", "eve", "fay", "gus"]) {
      await producer.enqueue("charge", { customer });
    }
    await producer.close();
    const keys = partitionKeys(registry.queues.orders!, prefix);
    await addDeadLetter(redis, registry.queues.orders!, prefix, {
      type: "charge",
      payload: "{}",
      reason: "validation",
    });

    const json = await jobgen("stats", "--json");
    expect(json.code).toBe(0);
    const [stats] = (
      JSON.parse(json.stdout) as { queues: { length: number; deadLetters: number; streams: string[] }[] }
    ).queues;
    expect(stats).toMatchObject({ length: 7, deadLetters: 1, streams: keys.map((k) => k.stream) });
    const text = await jobgen("stats");
    expect(text.stdout).toMatch(new RegExp(`^orders\\s+${prefix}orders \\(\\+2 partitions\\)\\s+7\\s`, "m"));

    const list = await jobgen("dlq", "list", "--json");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/"ref": "orders\/0\/\d+-\d+"/);
  });

  it("diff refuses a changed partition count, with the drain step", async () => {
    const run = await runJobgen(["diff", join(dir, "jobs.yaml"), join(dir, "jobs-4.yaml")]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain("partitions 3 → 4");
    expect(run.stdout + run.stderr).toContain("drain first");
  });
});
