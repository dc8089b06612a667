// The fault-injection suite (`npm run test:faults`): one file at a time, each test starting its
// own redis-server and worker processes. FAULTS_SCALE=short|full picks the schedule.
import { defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/faults/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 60_000,
  },
});
