import { configDefaults, defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite, the consumer test, the Cluster tests and the browser tests have their own
    // configs: `npm run test:faults`, `test:consumer`, `test:cluster`, `test:browser`.
    exclude: [
      ...configDefaults.exclude,
      "test/faults/**",
      "test/consumer/**",
      "test/cluster/**",
      "test/browser/**",
    ],
    globalSetup: ["test/support/redis-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
