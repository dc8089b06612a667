// The consumer test (`npm run test:consumer`): the packed packages installed into fresh apps.
// Apps install from the npm registry, so the files run one at a time with generous timeouts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/consumer/**/*.test.ts"],
    globalSetup: ["test/support/redis-global-setup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
