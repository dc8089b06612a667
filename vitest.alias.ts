// In this repository `@jobgen/runtime` resolves to the runtime's TypeScript sources (as tsconfig.json's
// `paths` do for tsc and tsx), so tests need no build; test/consumer checks the packed packages.
import { fileURLToPath } from "node:url";

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export const workspaceAlias = [
  { find: /^@jobgen\/runtime$/, replacement: source("./runtime/index.ts") },
  { find: /^@jobgen\/runtime\/contract$/, replacement: source("./runtime/contract.ts") },
  { find: /^@jobgen\/runtime\/zod$/, replacement: source("./runtime/zod.ts") },
  { find: /^@jobgen\/runtime\/testing$/, replacement: source("./runtime/testing.ts") },
  { find: /^@jobgen\/runtime\/dashboard$/, replacement: source("./runtime/dashboard/index.ts") },
  { find: /^@jobgen\/runtime\/prometheus$/, replacement: source("./runtime/observe/prometheus.ts") },
];
