/** Reads a V8 .cpuprofile and lists where the self time goes: by function and by package/file. */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export function summarizeProfile(
  path: string,
  top = 25,
): { functions: SelfTime[]; files: SelfTime[]; totalMs: number } {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    totalUs += us;
    const file = shortFile(frame.url);
    const fn = `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file || frame.functionName, (byFile.get(file || frame.functionName) ?? 0) + us);
  });
  const rank = (map: Map<string, number>): SelfTime[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / totalUs }));
  return { functions: rank(byFunction), files: rank(byFile), totalMs: totalUs / 1000 };
}

/** `file:///…/node_modules/ioredis/built/Redis.js` → `ioredis/built/Redis.js`; project files relative. */
function shortFile(url: string): string {
  if (!url) return "";
  const path = url.replace(/^file:\/\//, "");
  const nodeModules = path.lastIndexOf("node_modules/");
  if (nodeModules >= 0) return path.slice(nodeModules + "node_modules/".length);
  const project = path.search(/\/(runtime|bench|codegen|generated)\//);
  return project >= 0 ? path.slice(project + 1) : path;
}
