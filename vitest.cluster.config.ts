// The runtime's integration tests against a Redis Cluster (`npm run test:cluster`): the Cluster at
// REDIS_CLUSTER_URL, or a local one of 3 masters and 3 replicas (test/support/cluster.ts). Tests
// that cannot run on a Cluster are listed in docs/cluster.md with the reason.
import { configDefaults, defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ["test/cluster/**/*.test.ts", "test/integration/**/*.test.ts"],
    exclude: [...configDefaults.exclude],
    globalSetup: ["test/support/cluster-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
