import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/errors.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { createProducer } from "../../../runtime/producer/producer.js";
import type { TaskContext } from "../../../runtime/types.js";
import { createWorkerRuntime } from "../../../runtime/worker/worker.js";
import { startRedisServer } from "../../support/ensure-redis.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { queueState, TEST_WORKER_OPTIONS } from "../../support/worker.js";

const registry = testRegistry();
const email = { to: "a@b.co", subject: "over tls" };

/** A throwaway CA and a server certificate it signed for 127.0.0.1, written to `dir`. */
function makeCertificates(dir: string): void {
  const openssl = (command: string) =>
    execFileSync("openssl", command.split(" "), { cwd: dir, stdio: "pipe" });
  const ecKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  openssl(`req -x509 ${ecKey} -keyout ca.key -out ca.crt -days 1 -subj /CN=jobgen-test-CA`);
  openssl(`req -new ${ecKey} -keyout server.key -out server.csr -subj /CN=127.0.0.1`);
  writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile san.cnf",
  );
}

describe("rediss:// with a private CA", () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;
  let port: number;
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobgen-tls-"));
    makeCertificates(dir);
    ca = readFileSync(join(dir, "ca.crt"));
    const tlsArgs = [
      "--tls-cert-file",
      "server.crt",
      "--tls-key-file",
      "server.key",
      "--tls-ca-cert-file",
      "ca.crt",
    ];
    const started = await startRedisServer(
      // --dir first: redis-server resolves the relative certificate paths after it in that directory.
      ["--save", "", "--appendonly", "no", "--dir", dir, ...tlsArgs, "--tls-auth-clients", "no"],
      undefined,
      true,
    );
    server = started.process;
    url = started.url;
    port = started.port;
  });

  afterAll(() => {
    server?.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a producer enqueues and a worker handles and acks, both over TLS with the CA", async () => {
    const prefix = uniquePrefix("tls");
    const keys = queueKeys(registry.queues.default!, prefix);
    const producer = createProducer(registry, {
      redis: url,
      tls: { ca },
      keyPrefix: prefix,
      logger: quietLogger,
    });
    const handled: string[] = [];
    const worker = createWorkerRuntime(
      registry,
      { ...TEST_WORKER_OPTIONS, redis: url, tls: { ca }, keyPrefix: prefix },
      {
        send_email: async (_payload: unknown, ctx: TaskContext) => {
          handled.push(ctx.taskId);
        },
        resize_image: async () => {},
      },
    );
    const redis = new Redis(url, { tls: { ca }, maxRetriesPerRequest: 3 });
    try {
      await worker.start();
      const task = await producer.enqueue("send_email", email);
      await eventually(async () => handled.includes(task.id), "the worker handled the task");
      await eventually(async () => (await queueState(redis, keys)).pending === 0, "the task is acked");
      expect(await queueState(redis, keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
    } finally {
      await worker.stop();
      await producer.close();
      redis.disconnect();
    }
  });

  it("without the CA, producer and worker fail with a RedisError naming the URL (password masked) and the fix", async () => {
    const withPassword = `rediss://default:s3cret@127.0.0.1:${port}`;
    const producer = createProducer(registry, { redis: withPassword, logger: quietLogger });
    const worker = createWorkerRuntime(
      registry,
      { ...TEST_WORKER_OPTIONS, redis: withPassword },
      {
        send_email: async () => {},
        resize_image: async () => {},
      },
    );
    try {
      const [enqueueError, startError] = await Promise.all([
        producer.enqueue("send_email", email).catch((e: unknown) => e),
        worker.start().catch((e: unknown) => e),
      ]);
      for (const error of [enqueueError, startError]) {
        expect(error).toMatchObject({ code: "REDIS" });
        const message = (error as Error).message;
        expect(message).toContain(`rediss://default:***@127.0.0.1:${port}`);
        expect(message).not.toContain("s3cret");
        expect(message).toContain("self-signed certificate");
        expect(message).toContain("`tls.ca`");
      }
    } finally {
      await worker.stop();
      await producer.close();
    }
  });

  it("refuses a tls option with a redis:// URL, naming the option and the fix", () => {
    expect(() =>
      createProducer(registry, { redis: "redis://127.0.0.1:6379", tls: { ca }, logger: quietLogger }),
    ).toThrow(ConfigError);
    expect(() =>
      createProducer(registry, { redis: "redis://127.0.0.1:6379", tls: { ca }, logger: quietLogger }),
    ).toThrow(/`tls`.*rediss:\/\//);
  });
});
