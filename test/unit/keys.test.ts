import { describe, expect, it } from "vitest";
import { queueKeys } from "../../runtime/redis/keys.js";

/** Redis Cluster's hash tag rule: the part inside the first {...} when non-empty, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = open >= 0 ? key.indexOf("}", open + 1) : -1;
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe("queueKeys", () => {
  it("keeps the stream name as the Go package writes it and tags every other key with it", () => {
    const keys = queueKeys({ name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" });
    expect(keys).toEqual({
      stream: "tasks",
      delayed: "{tasks}:delayed",
      dlq: "{tasks}:dlq",
      idempotency: "{tasks}:idem:",
    });
  });

  it("puts all keys of a queue in one hash slot, with a prefix and an unrelated dlq name", () => {
    const keys = queueKeys({ name: "c", stream: "critical", group: "g", dlq: "dead" }, "app:");
    expect(keys.stream).toBe("app:critical");
    expect(keys.dlq).toBe("{app:critical}:dead");
    const tags = new Set(Object.values(keys).map(hashTag));
    expect(tags).toEqual(new Set(["app:critical"]));
  });
});
