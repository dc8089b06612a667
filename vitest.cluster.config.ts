// The runtime's integration tests against a Redis Cluster (`npm run test:cluster`): the Cluster at
// REDIS_CLUSTER_URL, or a local one of 3 masters and 3 replicas (test/support/cluster.ts), plus the
// Cluster's own tests (test/cluster/), and the fault suite's worker SIGKILL test on a partitioned
// queue (test/faults/support/target.ts). Tests that start their own redis-server (TLS, ACL,
// restarts) run as they do without a Cluster.
import { configDefaults, defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.alias.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: [
      "test/cluster/**/*.test.ts",
      "test/integration/**/*.test.ts",
      "test/faults/fault-01-worker-sigkill.test.ts",
    ],
    exclude: [
      ...configDefaults.exclude,
      // These put a TCP proxy in front of one node to drop replies or go silent. A Cluster client
      // connects to the node addresses CLUSTER SLOTS announces, past the proxy, so the fault never
      // reaches it; test/cluster/failover.test.ts covers losing a node instead.
      "test/integration/producer/lost-reply.test.ts",
      "test/integration/provider/half-open.test.ts",
    ],
    globalSetup: ["test/support/cluster-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
