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
  HAND_BACK,
  HAND_BACK_REST,
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
    jobgenHandBack(
      stream: string,
      group: string,
      consumer: string,
      idleMs: number,
      ...ids: string[]
    ): Result<number, Context>;
    jobgenHandBackRest(
      stream: string,
      group: string,
      consumer: string,
      idleMs: number,
      ...keep: string[]
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
 * XREADGROUP BLOCK; a `subscriber` client only listens to pub/sub channels.
 */
export type ConnectionRole = "command" | "producer" | "blocking" | "subscriber";

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
    ...(role === "blocking" || role === "subscriber"
      ? { maxRetriesPerRequest: null }
      : { commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS }),
    ...(role === "producer" ? { autoResendUnfulfilledCommands: false } : {}),
  };
  const client: RedisClient = target.cluster
    ? createClusterClient(target.urls, settings)
    : new Redis(url, { lazyConnect: true, ...settings });
  const where = target.urls.map(redactUrl).join(",");
  // One line per outage (ioredis reports every failed reconnect) and one when it is over.
  client.on("error", (err: Error) => {
    const outageStarts = !connectionErrors.has(client);
    connectionErrors.set(client, err);
    if (outageStarts) {
      logger.warn(
        { role, redis: where, reason: connectionProblem(err) },
        `${cannotConnectText(where, err)}; retrying until it answers`,
      );
    }
  });
  client.on("ready", () => {
    if (connectionErrors.delete(client))
      logger.info({ role, redis: where }, `connected to Redis at ${where} again`);
  });
  if (role === "command" || role === "producer") {
    client.defineCommand("jobgenEnqueue", { numberOfKeys: 3, lua: ENQUEUE });
    client.defineCommand("jobgenEnqueueMany", { numberOfKeys: 2, lua: ENQUEUE_MANY });
    client.defineCommand("jobgenPromote", { numberOfKeys: 2, lua: PROMOTE });
    client.defineCommand("jobgenClaim", { numberOfKeys: 1, lua: CLAIM });
    client.defineCommand("jobgenAckMany", { numberOfKeys: 1, lua: ACK_MANY });
    client.defineCommand("jobgenRetry", { numberOfKeys: 2, lua: RETRY });
    client.defineCommand("jobgenDeadLetter", { numberOfKeys: 2, lua: DEAD_LETTER });
    client.defineCommand("jobgenExtendLease", { numberOfKeys: 1, lua: EXTEND_LEASE });
    client.defineCommand("jobgenHandBack", { numberOfKeys: 1, lua: HAND_BACK });
    client.defineCommand("jobgenHandBackRest", { numberOfKeys: 1, lua: HAND_BACK_REST });
  }
  return client;
}

/** {@link whenConnected} gave up: its message names the URL, the reason and the fix. */
export class NotConnectedError extends Error {
  override name = "NotConnectedError";
}

/**
 * Resolves once `client` is connected; rejects after `timeoutMs` with a {@link NotConnectedError}.
 * A lazy client starts connecting here. Callers send nothing before it resolves, so a failed wait
 * wrote nothing. `where` names the target (URLs, passwords redacted).
 */
export function whenConnected(client: RedisClient, where: string, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  if (client.status === "wait") client.connect().catch(() => undefined); // reported by "error"
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const reason = connectionErrors.get(client);
      reject(
        reason === undefined
          ? new NotConnectedError(
              `no connection to Redis at ${where} within ${timeoutMs / 1000}s; is it running and reachable?`,
            )
          : notConnected(where, reason, timeoutMs),
      );
    }, timeoutMs);
    readyOf(client).then(() => {
      clearTimeout(timer);
      resolve();
    }, reject);
  });
}

/** The error for a connection to `where` that failed with `reason` (after `waitedMs`, when given). */
export function notConnected(where: string, reason: Error, waitedMs?: number): NotConnectedError {
  const waited = waitedMs === undefined ? "" : ` (waited ${waitedMs / 1000}s)`;
  return new NotConnectedError(`${cannotConnectText(where, reason)}${waited}`, { cause: reason });
}

/** One promise per client for its next "ready", however many writes wait for it. */
const readiness = new WeakMap<RedisClient, Promise<void>>();

function readyOf(client: RedisClient): Promise<void> {
  let ready = readiness.get(client);
  if (ready === undefined) {
    ready = new Promise<void>((resolve) => {
      client.once("ready", () => {
        readiness.delete(client);
        resolve();
      });
    });
    readiness.set(client, ready);
  }
  return ready;
}

/** "cannot connect to Redis at URL: reason; the fix", one line. */
function cannotConnectText(where: string, err: Error): string {
  return (
    `cannot connect to Redis at ${where}: ${connectionProblem(err)}; ` +
    "start Redis there, or point REDIS_URL (or the `redis` option) at the Redis to use"
  );
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
