// The default logger buffers its lines: they must still show up within its flush interval on a
// process that keeps running, and all of them when the process exits on its own.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `body` in a child process with `defaultLogger` in scope; resolves with the stdout lines seen. */
function child(
  body: string,
  until: (lines: string[]) => boolean,
): Promise<{ lines: string[]; exited: boolean }> {
  const script = `import { defaultLogger } from "./runtime/observe/default-logger.ts";\n${body}`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
  });
  const lines: string[] = [];
  let exited = false;
  return new Promise((resolve, reject) => {
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      lines.push(...chunk.split("\n").filter(Boolean));
      if (until(lines)) {
        proc.kill("SIGKILL");
        resolve({ lines, exited });
      }
    });
    proc.once("exit", () => (exited = true));
    proc.once("close", () => resolve({ lines, exited }));
    proc.once("error", reject);
  });
}

describe("default logger", () => {
  it("writes a lone line within its flush interval while the process keeps running", async () => {
    const { lines, exited } = await child(
      `defaultLogger().info("hello"); setInterval(() => {}, 1000);`,
      (seen) => seen.length > 0,
    );
    expect(exited).toBe(false);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: 30, msg: "hello" });
  });

  it("writes every buffered line when the process exits on its own", async () => {
    const { lines } = await child(
      `for (let i = 0; i < 10; i++) defaultLogger().info({ i }, "line"); process.exit(0);`,
      () => false,
    );
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });
});
