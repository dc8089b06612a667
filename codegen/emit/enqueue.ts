import type { SchemaModel, TaskModel } from "../model/model.js";
import { hasDefaults } from "../model/defaults.js";
import type { JsonSchema } from "../model/json-schema.js";
import { inputTypeName, payloadTypeName } from "../model/naming.js";
import {
  functionDeclaration,
  importDeclaration,
  interfaceDeclaration,
  member,
  methodSignature,
  printFile,
  typeAlias,
} from "./declarations.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { block, call, concat, objectDoc, typeList, typeMembers } from "./layout.js";
import { commentText, literal } from "./literal.js";

/** The type a producer passes: `SendEmailInput` when the payload has defaults, else the payload type. */
export function producerTypeName(task: TaskModel, types: ReadonlyMap<string, JsonSchema>): string {
  return hasDefaults(task.payload, types) ? inputTypeName(task.pascal) : payloadTypeName(task.pascal);
}

/** What a task's doc comment says: its wire name, queue and description. */
export function taskDoc(task: TaskModel, verb: string): string {
  const head = `${verb} \`${task.wireName}\` (queue \`${task.queue}\`).`;
  return commentText(task.description === undefined ? head : `${head}\n\n${task.description}`);
}

/** The task's start limits, as one doc paragraph (none without them). */
function policyNote(task: TaskModel): string[] {
  const limits: string[] = [];
  if (task.rateLimit !== undefined) {
    const { limit, perMs, key } = task.rateLimit;
    const bucket = key === undefined ? "" : ` per value of \`${key.join(".")}\``;
    limits.push(`at most ${limit} start per ${durationText(perMs)}${bucket} (rateLimit)`);
  }
  if (task.concurrency !== undefined) limits.push(`at most ${task.concurrency} run at once (concurrency)`);
  return limits.length === 0 ? [] : [commentText(`Across all workers: ${limits.join("; ")}.`)];
}

/** `90000` → `90s`, `60000` → `1m`: the largest unit that divides the duration. */
function durationText(ms: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** enqueue.ts: `createEnqueue(options)`, one typed member per task, `bulk` and `close`. */
export function emitEnqueue(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  const input = (task: TaskModel): string => producerTypeName(task, types);
  const payloadTypes = [...new Set(model.tasks.map(input))];
  const levelled = new Set(model.queues.filter((queue) => queue.priorities === true).map((q) => q.name));
  // `priority` is typed only for tasks of a queue with levels (the runtime refuses it elsewhere).
  const optionsType = (task: TaskModel): string =>
    levelled.has(task.queue) ? "EnqueueOptions" : "EnqueueOptionsWithoutPriority";
  const optionTypes = [...new Set(model.tasks.map(optionsType))].sort();
  const members = model.tasks.map((task) =>
    member(
      methodSignature(
        task.camel,
        [`payload: ${input(task)}`, `options?: ${optionsType(task)}`],
        "Promise<EnqueuedTask>",
      ),
      [taskDoc(task, "Validates and enqueues"), ...policyNote(task)].join("\n\n"),
    ),
  );
  members.push(
    member(
      "bulk(items: readonly BulkItem[]): Promise<EnqueuedTask[]>",
      "Validates every item, then enqueues them all; nothing is written when one item is invalid.",
    ),
    member("close(): Promise<void>", "Closes the producer's Redis connection."),
  );
  const bulkItems = model.tasks.map((task) =>
    typeMembers([
      `readonly task: ${literal(task.camel)}`,
      `readonly payload: ${input(task)}`,
      `readonly options?: ${optionsType(task)}`,
    ]),
  );
  const implementations = model.tasks.map((task) =>
    concat(
      `${task.camel}: (payload, enqueueOptions) => `,
      call("producer.enqueue", [literal(task.wireName), "payload", "enqueueOptions"]),
      ",",
    ),
  );
  return printFile("enqueue.ts", header, [
    [
      importDeclaration(["createProducer"], options.runtime),
      importDeclaration([...optionTypes, "EnqueuedTask", "ProducerOptions"], options.runtime, true),
      ...(payloadTypes.length === 0 ? [] : [importDeclaration(payloadTypes, "./payloads.js", true)]),
      importDeclaration(["registry", "wireNames"], "./registry.js"),
    ],
    typeAlias({
      doc: "One item of `bulk`: the task (its member name), its payload and enqueue options.",
      exported: true,
      name: "BulkItem",
      type: bulkItems.length === 0 ? "never" : typeList("|", bulkItems),
    }),
    interfaceDeclaration({
      doc: "The typed producer: one member per task of the schema.",
      exported: true,
      name: "Enqueue",
      members,
    }),
    functionDeclaration({
      doc: "Creates the typed producer over this schema's registry (the runtime's `createProducer`).\n@param options Redis URL, key prefix and logger of the producer",
      exported: true,
      name: "createEnqueue",
      parameters: ["options: ProducerOptions = {}"],
      returnType: "Enqueue",
      body: [
        "const producer = createProducer(registry, options);",
        concat(
          block("return", [
            ...implementations,
            concat(
              "bulk: (items) => ",
              call("producer.enqueueBulk", [
                call("items.map", [
                  concat(
                    "(item) => (",
                    objectDoc([
                      ["type", "wireNames[item.task]"],
                      ["payload", "item.payload"],
                      ["options", "item.options"],
                    ]),
                    ")",
                  ),
                ]),
              ]),
              ",",
            ),
            "close: () => producer.close(),",
          ]),
          ";",
        ),
      ],
    }),
  ]);
}
