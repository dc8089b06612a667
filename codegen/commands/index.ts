import type { Command } from "commander";
import { registerCheck } from "./check.js";
import { registerDashboard } from "../operations/dashboard.js";
import { registerDlq } from "../operations/dlq.js";
import { registerEnqueue } from "../operations/enqueue.js";
import { registerDiff } from "./diff.js";
import { registerGenerate } from "./generate.js";
import { registerInit } from "./init.js";
import { registerStats } from "../operations/stats.js";
import { registerValidate } from "./validate.js";
import { registerWorker } from "../operations/worker.js";

/** Adds one command to the program. Operations commands (stats, dlq, enqueue, dashboard) join this list as more files. */
export type RegisterCommand = (program: Command) => void;

/** Every command of the CLI, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerGenerate,
  registerCheck,
  registerValidate,
  registerDiff,
  registerInit,
  registerStats,
  registerDlq,
  registerEnqueue,
  registerDashboard,
  registerWorker,
];
