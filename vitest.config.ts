import { configDefaults, defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite and the consumer test have their own configs: `npm run test:faults`,
    // `npm run test:consumer`.
    exclude: [...configDefaults.exclude, "test/faults/**", "test/consumer/**"],
    globalSetup: ["test/support/redis-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
