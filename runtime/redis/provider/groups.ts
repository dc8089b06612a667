/**
 * Start: where Redis is (one node or a Cluster, asked once), the command client, the consumer
 * groups, created at start (MKSTREAM, from `0`) and recreated when Redis lost them, and the
 * promoter of delayed tasks (promoter.ts).
 */
import { createRedisClient } from "../connection.js";
import { readGroupsOf } from "../read-groups.js";
import { resolveTarget } from "../target.js";
import { Promoter } from "./promoter.js";
import { commands, errorMessage, failure, where, wrap, type ProviderState } from "./state.js";

/** Starts consuming: resolves the target, makes the command client, creates the consumer groups. */
export async function start(state: ProviderState): Promise<void> {
  const { options } = state;
  state.logger.info(
    {
      queues: state.queues.map((q) => q.definition.name),
      redis: where(state),
      claimMinIdleMs: options.claimMinIdleMs,
    },
    "provider starting",
  );
  if (state.command === undefined) {
    state.resolved = await resolveTarget(options.redis, options.tls).catch((err: unknown) => {
      throw wrap(`connecting to ${where(state)}`, err);
    });
    state.groups = readGroupsOf(state.queues, state.resolved.cluster);
    state.command = createRedisClient(state.resolved, "command", state.consumer, state.logger, {
      commandTimeoutMs: options.commandTimeoutMs,
      tls: options.tls,
    });
  }
  await ensureGroups(state);
  state.started = true;
  if (state.promoter === undefined && !state.closed) {
    state.promoter = new Promoter(state);
    state.promoter.start();
  }
}

export async function ensureGroups(state: ProviderState): Promise<void> {
  await Promise.all(
    state.queues.map(async (q) => {
      try {
        await commands(state).xgroup("CREATE", q.keys.stream, q.definition.group, "0", "MKSTREAM");
      } catch (err) {
        if (!errorMessage(err).startsWith("BUSYGROUP"))
          throw failure(state, `creating group ${q.definition.group} on ${q.keys.stream}`, err);
      }
    }),
  );
}

/** NOGROUP: Redis lost the stream or its group (restart without persistence, FLUSHALL, DEL). */
export async function recoverLostGroups(state: ProviderState, err: unknown): Promise<void> {
  state.recoveries++;
  state.logger.error(
    { err, streams: state.queues.map((q) => q.keys.stream) },
    "consumer group missing: Redis lost queue state (restart without persistence, FLUSHALL or a deleted stream); " +
      "recreating the groups from 0 — tasks that were in the stream or pending are gone unless Redis restored them",
  );
  await ensureGroups(state);
}
