/**
 * Reads the `redis` option (a URL, comma-separated seed URLs, or `{ cluster: [...] }`) into the
 * node URLs to connect to and whether they form a Redis Cluster. A single URL is asked `INFO
 * cluster` once (per URL and process) to find out; a list is a Cluster by definition.
 */
import { Redis } from "ioredis";
import { ConfigError, RedisError } from "../errors.js";
import type { RedisTarget, TlsOptions } from "../types.js";
import { connectionProblem } from "./connection-problem.js";

/** The nodes to connect to, and whether they are a Redis Cluster. */
export interface ResolvedTarget {
  readonly urls: readonly string[];
  readonly cluster: boolean;
}

/** How long the cluster-mode probe of a single URL waits for Redis, unless told. */
const PROBE_TIMEOUT_MS = 10_000;

/** Probes in progress or done, by URL: one `INFO cluster` per URL and process. */
const probes = new Map<string, Promise<boolean>>();

/**
 * The node URLs of `target` and whether it is a Cluster (`undefined`: ask the node). Throws a
 * ConfigError for a malformed target, or a `tls` option without `rediss://` URLs.
 */
export function parseTarget(
  target: RedisTarget,
  tls?: TlsOptions,
): { urls: string[]; cluster: boolean | undefined } {
  const listed = typeof target === "string" ? target.split(",") : [...target.cluster];
  const urls = listed.map((u) => u.trim()).filter((u) => u !== "");
  if (urls.length === 0) {
    throw new ConfigError(
      "option `redis` names no Redis; write a URL such as redis://127.0.0.1:6379, or Cluster seeds as " +
        "redis://a:6379,redis://b:6379 or { cluster: [...] }",
    );
  }
  for (const url of urls) {
    if (!/^rediss?:\/\//.test(url)) {
      throw new ConfigError(
        `redis URL "${redactUrl(url)}" is not a Redis URL; write it as redis://host:6379 or rediss://user:pass@host:6380`,
      );
    }
  }
  if (new Set(urls.map((u) => u.startsWith("rediss://"))).size > 1) {
    throw new ConfigError("the Cluster seed URLs mix redis:// and rediss://; use one scheme for every node");
  }
  if (tls !== undefined && !urls[0]?.startsWith("rediss://")) {
    throw new ConfigError(
      `option \`tls\` is set but redis URL "${redactUrl(urls[0] ?? "")}" is not a TLS URL; write it as rediss://... or drop \`tls\``,
    );
  }
  const cluster = typeof target !== "string" || urls.length > 1 ? true : undefined;
  return { urls, cluster };
}

/** {@link parseTarget}, asking a single URL's node whether it runs in cluster mode. */
export async function resolveTarget(
  target: RedisTarget,
  tls: TlsOptions | undefined,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ResolvedTarget> {
  const { urls, cluster } = parseTarget(target);
  const [first] = urls;
  if (cluster !== undefined || first === undefined) return { urls, cluster: true };
  let probe = probes.get(first);
  if (probe === undefined) {
    probe = clusterEnabled(first, tls, timeoutMs);
    probes.set(first, probe);
    probe.catch(() => probes.delete(first)); // ask again next time
  }
  return { urls, cluster: await probe };
}

/**
 * `INFO cluster` on the node at `url`: `cluster_enabled:1`. Rejects with the connection's own error
 * (`connect ECONNREFUSED ...`) when the node does not answer.
 */
async function clusterEnabled(url: string, tls: TlsOptions | undefined, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    tls,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on("error", (err: Error) => (lastError = err));
  try {
    await client.connect();
    return /^cluster_enabled:1\b/m.test(await client.info("cluster"));
  } catch (err) {
    const error = lastError ?? (err instanceof Error ? err : new Error(String(err)));
    throw new RedisError(connectionProblem(error), { cause: err });
  } finally {
    client.disconnect();
  }
}

/** The URL with its password replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** The target's URLs, passwords redacted, for logs and errors. */
export function describeTarget(target: ResolvedTarget | RedisTarget): string {
  if (typeof target === "string") return target.split(",").map(redactUrl).join(",");
  return ("urls" in target ? target.urls : target.cluster).map(redactUrl).join(",");
}
