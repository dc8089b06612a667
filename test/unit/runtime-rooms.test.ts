// The runtime's walls: only runtime/redis/ talks to Redis.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const RUNTIME = join(import.meta.dirname, "../../runtime");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "dist" || entry.name === "node_modules" ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("runtime rooms", () => {
  it("imports ioredis only inside runtime/redis/", () => {
    const outside = sources(RUNTIME)
      .filter((path) =>
        /from "ioredis"|import\("ioredis"\)|declare module "ioredis"/.test(readFileSync(path, "utf8")),
      )
      .map((path) => relative(RUNTIME, path))
      .filter((path) => !path.startsWith("redis/"));
    expect(outside).toEqual([]);
  });
});
