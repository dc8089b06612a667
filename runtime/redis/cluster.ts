/**
 * Redis Cluster clients: an ioredis Cluster from seed node URLs. ioredis learns the slot map with
 * CLUSTER SLOTS, routes every keyed command and script to its slot's master, follows MOVED and ASK
 * redirections, and after a failover refreshes the map and sends again a command whose connection
 * closed (`retryDelayOnFailover`).
 */
import { Cluster, type ClusterNode, type ClusterOptions, type RedisOptions } from "ioredis";
import { ConfigError } from "../errors.js";
import { redactUrl } from "./target.js";

/** The per-node settings jobgen gives every client (connection.ts). */
export type NodeSettings = Pick<
  RedisOptions,
  | "connectionName"
  | "tls"
  | "commandTimeout"
  | "connectTimeout"
  | "maxRetriesPerRequest"
  | "autoResendUnfulfilledCommands"
>;

/**
 * A lazily connecting Cluster client for the seed nodes `urls`. The ACL user and password of the
 * first URL that has them apply to every node (a Cluster has one ACL configuration per node, kept
 * alike by its operator); `rediss://` seeds mean TLS to every node.
 */
export function createClusterClient(
  urls: readonly string[],
  settings: NodeSettings,
  clusterOptions: Pick<ClusterOptions, "clusterRetryStrategy"> = {},
): Cluster {
  const nodes: ClusterNode[] = [];
  let username: string | undefined;
  let password: string | undefined;
  for (const url of urls) {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, "");
    if (db !== "" && db !== "0") {
      throw new ConfigError(
        `redis URL "${redactUrl(url)}" selects database ${db}, but a Redis Cluster has only database 0; drop "/${db}"`,
      );
    }
    nodes.push({ host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || 6379) });
    if (password === undefined && parsed.password !== "") {
      username = parsed.username === "" ? undefined : decodeURIComponent(parsed.username);
      password = decodeURIComponent(parsed.password);
    }
  }
  const tls = urls[0]?.startsWith("rediss://") ? (settings.tls ?? {}) : undefined;
  return new Cluster(nodes, {
    lazyConnect: true,
    ...clusterOptions,
    redisOptions: { ...settings, tls, username, password },
  });
}
