// The package as users import it: `jobgen/runtime` and `jobgen/testing` resolve to the compiled
// JavaScript in dist/ (built by `npm ci` through the `prepare` script, or `npm run build`) and
// load in plain Node, without tsx.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the built package", () => {
  it("loads jobgen/runtime and jobgen/testing from dist/ in plain Node", () => {
    expect(existsSync(`${ROOT}/dist/runtime/index.js`), "dist/ is missing: run `npm run build`").toBe(true);
    const script = `
      const runtime = await import("jobgen/runtime");
      const testing = await import("jobgen/testing");
      console.log(JSON.stringify({
        url: import.meta.resolve("jobgen/runtime"),
        runtime: [typeof runtime.createWorkerRuntime, typeof runtime.createProducer],
        testing: typeof testing.runHandler,
      }));`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const loaded = JSON.parse(result.stdout) as { url: string; runtime: string[]; testing: string };
    expect(loaded.url).toMatch(/\/dist\/runtime\/index\.js$/);
    expect(loaded.runtime).toEqual(["function", "function"]);
    expect(loaded.testing).toBe("function");
  });
});
