/**
 * Priorities: the levels a task may have, and how a worker shares its reads among them.
 *
 * A queue with levels (one of its tasks declares `priority` in the schema) keeps one stream per
 * level, each in the seed's wire format; the `normal` level is the queue's own stream, so a
 * producer that knows nothing of levels (the Go package) writes normal tasks. A worker reads the
 * higher levels first; {@link FairnessRound} stops the lower ones from starving.
 */

import { ConfigError } from "../errors.js";

/** The levels, highest first; declared once here, read by the schema checker and the worker. */
export const PRIORITY_LEVELS = ["high", "normal", "low"] as const;

export type Priority = (typeof PRIORITY_LEVELS)[number];

/** The level of a task whose schema and enqueue call name none. */
export const DEFAULT_PRIORITY: Priority = "normal";

/**
 * How a worker shares reads among levels: `strict` (a lower level is read only when every higher
 * one is empty) or weights: in each round, up to `high` deliveries of high tasks, then `normal` of
 * normal ones, then `low` of low ones, while each has tasks ready.
 */
export type Fairness = "strict" | Readonly<Record<Priority, number>>;

/** 8:4:1: with every level backlogged, one task in 13 is a low one. */
export const DEFAULT_FAIRNESS: Fairness = { high: 8, normal: 4, low: 1 };

/** The `fairness` option checked; a ConfigError naming the option and the fix otherwise. */
export function checkFairness(value: Fairness | undefined, where: string): Fairness | undefined {
  if (value === undefined || value === "strict") return value;
  const ok =
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).every((key) => isPriority(key)) &&
    PRIORITY_LEVELS.every((level) => Number.isSafeInteger(value[level]) && value[level] > 0);
  if (!ok)
    throw new ConfigError(
      `${where} \`fairness\` must be "strict" or a positive whole weight per level, such as { high: 8, normal: 4, low: 1 }; got ${JSON.stringify(value)}`,
    );
  return value;
}

export function isPriority(value: unknown): value is Priority {
  return typeof value === "string" && (PRIORITY_LEVELS as readonly string[]).includes(value);
}

/**
 * The weighted round of one queue. A reader asks {@link next} which level to read and how many,
 * reads, and reports what it got with {@link took}; a level that gave fewer than asked is dry for
 * the rest of that fetch ({@link startFetch} clears it) and forfeits its credit in this round. When
 * no level that still has tasks has credit left, a new round starts.
 */
export class FairnessRound {
  private readonly credit = new Map<Priority, number>();
  private readonly dry = new Set<Priority>();

  constructor(private readonly fairness: Fairness) {
    this.refill();
  }

  /** Call before the reads of each fetch. */
  startFetch(): void {
    this.dry.clear();
  }

  /** The level to read next and the most to ask of it; `undefined` when every level is dry. */
  next(wanted: number): { level: Priority; count: number } | undefined {
    const open = PRIORITY_LEVELS.filter((level) => !this.dry.has(level));
    if (open.length === 0) return undefined;
    let level = open.find((l) => (this.credit.get(l) ?? 0) > 0);
    if (level === undefined) {
      this.refill();
      level = open[0]!;
    }
    return { level, count: Math.min(wanted, this.credit.get(level) ?? 0) };
  }

  /** `got` tasks came of the `asked` from `level`. */
  took(level: Priority, asked: number, got: number): void {
    this.credit.set(level, (this.credit.get(level) ?? 0) - got);
    if (got < asked) {
      this.dry.add(level);
      this.credit.set(level, 0);
    }
  }

  private refill(): void {
    for (const level of PRIORITY_LEVELS) {
      this.credit.set(level, this.fairness === "strict" ? Number.POSITIVE_INFINITY : this.fairness[level]);
    }
  }
}

/**
 * The level an enqueue writes to: the enqueue option, else the task's schema `priority`, else
 * normal; `undefined` for a queue without levels. A ConfigError names the fix for a level the
 * queue cannot take.
 */
export function enqueueLevel(
  requested: unknown,
  task: { readonly name: string; readonly priority?: Priority | undefined },
  queue: { readonly name: string; readonly priorities?: boolean | undefined },
): Priority | undefined {
  if (requested !== undefined && !isPriority(requested)) {
    throw new ConfigError(
      `enqueue option \`priority\` of task "${task.name}" must be one of ${PRIORITY_LEVELS.join(", ")}; got ${JSON.stringify(requested)}`,
    );
  }
  if (queue.priorities !== true) {
    if (requested === undefined || requested === DEFAULT_PRIORITY) return undefined;
    throw new ConfigError(
      `task "${task.name}" was enqueued with priority "${requested}", but queue "${queue.name}" has no priority levels; ` +
        "declare `priority` on one of its tasks in the schema and regenerate",
    );
  }
  return requested ?? task.priority ?? DEFAULT_PRIORITY;
}
