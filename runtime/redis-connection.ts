/**
 * Builds the ioredis clients jobgen uses, from a `redis://` or `rediss://` URL (TLS; ACL user and
 * password as `rediss://user:pass@host:port/db`). Command clients carry jobgen's Lua scripts as
 * EVALSHA commands (ioredis falls back to EVAL after a Redis restart flushed the script cache).
 */
import { Redis, type Result } from "ioredis";
import type { Logger } from "pino";
import { COMMAND_TIMEOUT_MS } from "./defaults.js";
import { ConfigError } from "./errors.js";
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

declare module "ioredis" {
  interface RedisCommander<Context> {
    jobgenEnqueue(
      stream: string,
      delayed: string,
      idempotencyKey: string,
      ...args: (string | number)[]
    ): Result<string[], Context>;
    jobgenEnqueueMany(
      stream: string,
      delayed: string,
      ...args: (string | number)[]
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
    jobgenAckMany(
      stream: string,
      group: string,
      consumer: string,
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
  }
}

/** `command` clients run scripts and single commands; a `blocking` client only runs XREADGROUP BLOCK. */
export type ConnectionRole = "command" | "blocking";

/**
 * A client for `url`. A command client fails a command without a reply after `commandTimeoutMs`;
 * pass such errors to {@link replaceOnTimeout}.
 */
export function createRedisClient(
  url: string,
  role: ConnectionRole,
  name: string,
  logger: Logger,
  commandTimeoutMs = COMMAND_TIMEOUT_MS,
): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new ConfigError(
      `redis URL "${redactUrl(url)}" is not a Redis URL; write it as redis://host:6379 or rediss://user:pass@host:6380`,
    );
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: `jobgen:${name}:${role}`,
    // A blocking read waits through reconnects instead of failing after N retries; the provider
    // bounds how long it waits itself.
    ...(role === "blocking" ? { maxRetriesPerRequest: null } : { commandTimeout: commandTimeoutMs }),
  });
  client.on("error", (err: Error) =>
    logger.warn({ err, role, redis: redactUrl(url) }, "redis connection error"),
  );
  if (role === "command") {
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
export function replaceOnTimeout(client: Redis, err: unknown, logger: Logger): void {
  if (err instanceof Error && err.message.includes("Command timed out")) {
    logger.warn({ err }, "redis command timed out; reconnecting");
    client.disconnect(true);
  }
}

/** The URL with its password replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** Closes a client: QUIT when connected, otherwise just drops it. Never throws. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
