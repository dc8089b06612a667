/**
 * Builds the ioredis clients jobgen uses, from a `redis://` or `rediss://` URL (TLS, with the
 * `tls` option for a private CA or client certificate; ACL user and password as
 * `rediss://user:pass@host:port/db`), or from the seed URLs of a Redis Cluster (cluster.ts). Command
 * clients carry jobgen's Lua scripts as EVALSHA commands (ioredis falls back to EVAL after a Redis
 * restart flushed the script cache).
 */
import { Redis, type Cluster, type Result } from "ioredis";
import type { Logger } from "pino";
import { COMMAND_TIMEOUT_MS } from "../defaults.js";
import {
  ACK_MANY,
  CLAIM,
  DEAD_LETTER,
  ENQUEUE,
  ENQUEUE_MANY,
  EXTEND_LEASE,
  PROMOTE,
  RETRY,
} from "./scripts.js";
import type { TlsOptions } from "../types.js";
import { createClusterClient } from "./cluster.js";
import { connectionProblem } from "./connection-problem.js";
import { redactUrl, type ResolvedTarget } from "./target.js";

export { redactUrl } from "./target.js";

/** A client of one Redis or of a Redis Cluster; both run every command jobgen sends. */
export type RedisClient = Redis | Cluster;

declare module "ioredis" {
  interface RedisCommander<Context> {
    jobgenEnqueue(
      stream: string,
      delayed: string,
      idempotencyKey: string,
      ...args: (string | number)[]
    ): Result<string[], Context>;
    /** ARGV as one array, which ioredis flattens (no spread of thousands of arguments). */
    jobgenEnqueueMany(
      stream: string,
      delayed: string,
      args: readonly (string | number)[],
    ): Result<string[], Context>;
    jobgenPromote(delayed: string, stream: string, limit: number): Result<[number, number], Context>;
    jobgenClaim(
      stream: string,
      group: string,
      consumer: string,
      minIdleMs: number,
      cursor: string,
      count: number,
    ): Result<[string, [string, string[], number][]], Context>;
    /** {@link jobgenClaim} with the reply as bytes (entries are decoded strictly as UTF-8 by the provider). */
    jobgenClaimBuffer(
      stream: string,
      group: string,
      consumer: string,
      minIdleMs: number,
      cursor: string,
      count: number,
    ): Result<[Buffer, [Buffer, Buffer[], number][]], Context>;
    jobgenAckMany(
      stream: string,
      group: string,
      consumer: string,
      lowestId: string,
      highestId: string,
      ...ids: string[]
    ): Result<number[], Context>;
    jobgenRetry(
      stream: string,
      delayed: string,
      group: string,
      consumer: string,
      entryId: string,
      delayMs: number,
      member: string,
    ): Result<number, Context>;
    jobgenDeadLetter(
      stream: string,
      dlq: string,
      group: string,
      consumer: string,
      entryId: string,
      ...fields: string[]
    ): Result<number, Context>;
    jobgenExtendLease(
      stream: string,
      group: string,
      consumer: string,
      ...ids: string[]
    ): Result<number, Context>;
    jobgenReplay(
      dlq: string,
      stream: string,
      entryId: string,
      ...fields: string[]
    ): Result<string | null, Context>;
  }
}

/**
 * `command` clients run scripts and single commands; a `producer` client is a command client that
 * never sends a command again after its connection closed unanswered (the producer fails those
 * writes instead: an enqueue sent twice would write its task twice); a `blocking` client only runs
 * XREADGROUP BLOCK.
 */
export type ConnectionRole = "command" | "producer" | "blocking";

/** Settings of one client besides its URL. */
export interface ClientOptions {
  /** A command client fails a command without a reply after this many ms. @defaultValue 10000 */
  readonly commandTimeoutMs?: number | undefined;
  /** TLS settings; only with a `rediss://` URL. @defaultValue none (Node's defaults) */
  readonly tls?: TlsOptions | undefined;
}

/** The last connection error of each client that has not connected since; cleared once it is ready. */
const connectionErrors = new WeakMap<RedisClient, Error>();

/**
 * A client for `target` (one node, or a Cluster). A command client fails a command without a
 * reply after `commandTimeoutMs` (also while it cannot connect); pass such errors to
 * {@link replaceOnTimeout} and report them with {@link explainFailure}.
 */
export function createRedisClient(
  target: ResolvedTarget,
  role: ConnectionRole,
  name: string,
  logger: Logger,
  options: ClientOptions = {},
): RedisClient {
  const [url = ""] = target.urls;
  const settings = {
    connectionName: `jobgen:${name}:${role}`,
    tls: options.tls,
    // A blocking read waits through reconnects instead of failing after N retries; the provider
    // bounds how long it waits itself.
    ...(role === "blocking"
      ? { maxRetriesPerRequest: null }
      : { commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS }),
    ...(role === "producer" ? { autoResendUnfulfilledCommands: false } : {}),
  };
  const client: RedisClient = target.cluster
    ? createClusterClient(target.urls, settings)
    : new Redis(url, { lazyConnect: true, ...settings });
  client.on("error", (err: Error) => {
    connectionErrors.set(client, err);
    logger.warn({ err, role, redis: target.urls.map(redactUrl).join(",") }, "redis connection error");
  });
  client.on("ready", () => connectionErrors.delete(client));
  if (role !== "blocking") {
    client.defineCommand("jobgenEnqueue", { numberOfKeys: 3, lua: ENQUEUE });
    client.defineCommand("jobgenEnqueueMany", { numberOfKeys: 2, lua: ENQUEUE_MANY });
    client.defineCommand("jobgenPromote", { numberOfKeys: 2, lua: PROMOTE });
    client.defineCommand("jobgenClaim", { numberOfKeys: 1, lua: CLAIM });
    client.defineCommand("jobgenAckMany", { numberOfKeys: 1, lua: ACK_MANY });
    client.defineCommand("jobgenRetry", { numberOfKeys: 2, lua: RETRY });
    client.defineCommand("jobgenDeadLetter", { numberOfKeys: 2, lua: DEAD_LETTER });
    client.defineCommand("jobgenExtendLease", { numberOfKeys: 1, lua: EXTEND_LEASE });
  }
  return client;
}

/**
 * After a command timed out, the connection is likely half-open (no RST ever came): drop it and
 * reconnect, so the next commands do not wait on it too.
 */
export function replaceOnTimeout(client: RedisClient, err: unknown, logger: Logger): void {
  if (err instanceof Error && err.message.includes("Command timed out")) {
    logger.warn({ err }, "redis command timed out; reconnecting");
    client.disconnect(true);
  }
}

/**
 * The error to report for a failed command of `client`: while the client cannot connect (a
 * command then times out), it also says why, with the fix for an untrusted TLS certificate.
 */
export function explainFailure(client: RedisClient, err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const reason = connectionErrors.get(client);
  if (reason === undefined) return error;
  return new Error(`${error.message}; cannot connect: ${connectionProblem(reason)}`, { cause: error });
}

/** Closes a client: QUIT when connected, otherwise just drops it. Never throws. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
