// The runtime package as an app loads it: `@jobgen/runtime`, `/testing` and `/dashboard` resolve
// to the compiled JavaScript in runtime/dist (built by `npm ci` through the root `prepare`
// script, or `npm run build`), from ESM and from CommonJS, in plain Node without tsx.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function run(args: readonly string[]): {
  url: string;
  runtime: string[];
  testing: string;
  dashboard: string;
} {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as { url: string; runtime: string[]; testing: string; dashboard: string };
}

describe("the built runtime package", () => {
  it("loads from ESM", () => {
    expect(
      existsSync(`${ROOT}/runtime/dist/esm/index.js`),
      "runtime/dist is missing: run `npm run build`",
    ).toBe(true);
    const loaded = run([
      "--input-type=module",
      "-e",
      `const runtime = await import("@jobgen/runtime");
       const testing = await import("@jobgen/runtime/testing");
       const dashboard = await import("@jobgen/runtime/dashboard");
       console.log(JSON.stringify({
         url: import.meta.resolve("@jobgen/runtime"),
         runtime: [typeof runtime.createWorkerRuntime, typeof runtime.createProducer, typeof runtime.z.object],
         testing: typeof testing.runHandler,
         dashboard: typeof dashboard.createDashboard,
       }));`,
    ]);
    expect(loaded.url).toMatch(/\/runtime\/dist\/esm\/index\.js$/);
    expect(loaded.runtime).toEqual(["function", "function", "function"]);
    expect(loaded.testing).toBe("function");
    expect(loaded.dashboard).toBe("function");
  });

  it("loads from CommonJS", () => {
    const loaded = run([
      "--input-type=commonjs",
      "-e",
      `const runtime = require("@jobgen/runtime");
       const testing = require("@jobgen/runtime/testing");
       const dashboard = require("@jobgen/runtime/dashboard");
       console.log(JSON.stringify({
         url: require.resolve("@jobgen/runtime"),
         runtime: [typeof runtime.createWorkerRuntime, typeof runtime.createProducer, typeof runtime.z.object],
         testing: typeof testing.runHandler,
         dashboard: typeof dashboard.createDashboard,
       }));`,
    ]);
    expect(loaded.url).toMatch(/\/runtime\/dist\/cjs\/index\.js$/);
    expect(loaded.runtime).toEqual(["function", "function", "function"]);
    expect(loaded.testing).toBe("function");
    expect(loaded.dashboard).toBe("function");
  });
});
