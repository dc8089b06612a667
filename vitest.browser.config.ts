// The browser tests (`npm run test:browser`): the dashboard in headless Chromium (Debian's
// `chromium`, driven by playwright-core), against a real Redis.
import { defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/support/redis-global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
