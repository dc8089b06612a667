/**
 * The command hook of the worker process, wrapped around ioredis' `sendCommand` (every command of
 * every connection passes through it):
 * - kills the process right before a retry / dead-letter / ack script call for an armed task is
 *   sent to Redis, or right after its reply arrives (before the runtime sees it). Those
 *   transitions are single Lua scripts, so there is no "between" on Redis; before and after the
 *   call are the two instants a crash can hit. The runtime offers no hook point of its own, so the
 *   transition is recognised as the first script call whose arguments carry the armed task's id;
 * - reports reads of new work (XREADGROUP, XAUTOCLAIM, the runtime's reclaim script), for the
 *   shutdown test.
 */
import { createHash } from "node:crypto";
import { Redis, type Command } from "ioredis";
import { CLAIM } from "../../../runtime/redis/scripts.js";

export type KillPoint = "before-transition" | "after-transition";

const SCRIPT_COMMANDS = new Set(["evalsha", "eval", "evalsha_ro", "eval_ro", "fcall"]);
const READ_COMMANDS = new Set(["xreadgroup", "xautoclaim"]);
const CLAIM_SHA = createHash("sha1").update(CLAIM).digest("hex");

type SendCommand = (this: Redis, command: Command, stream?: unknown) => unknown;

function argumentText(command: Command): string {
  return command.args
    .map((arg) => (Buffer.isBuffer(arg) ? arg.toString("utf8") : String(arg)))
    .join("\u0000");
}

export interface CommandHook {
  /** The next script call carrying `taskId` kills this process at `point`. */
  arm(taskId: string, point: KillPoint): void;
}

export function installCommandHook(handlers: {
  beforeDying: (taskId: string, point: KillPoint, command: string) => void;
  onRead: (command: string) => void;
}): CommandHook {
  const armed = new Map<string, KillPoint>();
  const prototype = Redis.prototype as unknown as { sendCommand: SendCommand };
  const original = prototype.sendCommand;
  const die = (taskId: string, point: KillPoint, command: string): void => {
    handlers.beforeDying(taskId, point, command);
    process.kill(process.pid, "SIGKILL");
  };
  prototype.sendCommand = function (this: Redis, command: Command, stream?: unknown): unknown {
    const name = command.name.toLowerCase();
    if (READ_COMMANDS.has(name)) handlers.onRead(name);
    else if (SCRIPT_COMMANDS.has(name) && [CLAIM, CLAIM_SHA].includes(String(command.args[0]))) {
      handlers.onRead("reclaim script");
    }
    if (armed.size > 0 && SCRIPT_COMMANDS.has(name)) {
      const text = argumentText(command);
      for (const [taskId, point] of armed) {
        if (!text.includes(taskId)) continue;
        armed.delete(taskId);
        if (point === "before-transition") die(taskId, point, name);
        const sent = original.call(this, command, stream);
        command.promise.then(
          () => die(taskId, point, name),
          // NOSCRIPT and the like: ioredis sends the script again; strike on that call.
          () => armed.set(taskId, point),
        );
        return sent;
      }
    }
    return original.call(this, command, stream);
  };
  return { arm: (taskId, point) => void armed.set(taskId, point) };
}
