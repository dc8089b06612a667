import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProducer } from "../../../runtime/producer/producer.js";
import type { Provider } from "../../../runtime/worker/provider.js";
import { startRedisServer } from "../../support/ensure-redis.js";
import { fetchAtLeast, quietLogger, testProvider } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();

describe("redis provider and producer: ACL user and password in the URL", () => {
  let server: ChildProcess | undefined;
  let provider: Provider | undefined;

  afterEach(async () => {
    await provider?.close();
    server?.kill("SIGKILL");
  });

  it("authenticates as the URL's ACL user; a wrong password fails with a RedisError", async () => {
    const aclFile = join(mkdtempSync(join(tmpdir(), "jobgen-acl-")), "users.acl");
    writeFileSync(aclFile, "user default off\nuser jobgen on >s3cret ~* &* +@all\n");
    const started = await startRedisServer(["--save", "", "--appendonly", "no", "--aclfile", aclFile]);
    server = started.process;
    const url = `redis://jobgen:s3cret@127.0.0.1:${started.port}`;

    const producer = createProducer(registry, { redis: url, logger: quietLogger });
    provider = testProvider(registry, "", { redis: url });
    try {
      await provider.start();
      const task = await producer.enqueue("send_email", { to: "a@b.co", subject: "acl" });
      const [fetched] = await fetchAtLeast(provider, 1);
      expect(fetched?.id).toBe(task.id);
    } finally {
      await producer.close();
    }

    const wrong = createProducer(registry, {
      redis: `redis://jobgen:wrong@127.0.0.1:${started.port}`,
      logger: quietLogger,
    });
    try {
      const error = await wrong
        .enqueue("send_email", { to: "a@b.co", subject: "acl" })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "REDIS" });
      expect(String((error as Error).message)).not.toContain("wrong@");
    } finally {
      await wrong.close();
    }
  });
});
