import { configDefaults, defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite, the consumer test and the Cluster tests have their own configs:
    // `npm run test:faults`, `npm run test:consumer`, `npm run test:cluster`.
    exclude: [...configDefaults.exclude, "test/faults/**", "test/consumer/**", "test/cluster/**"],
    globalSetup: ["test/support/redis-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
