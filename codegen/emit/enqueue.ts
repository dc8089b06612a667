import type { OptionalKind, MethodSignatureStructure } from "ts-morph";

import type { SchemaModel, TaskModel } from "../model/model.js";
import { payloadTypeName } from "../model/naming.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { jsDoc } from "./layout.js";
import { commentText, literal } from "./literal.js";
import { StructureKind, type TypeScriptPrinter } from "./typescript.js";

/** What a task's doc comment says: its wire name, queue and description. */
export function taskDoc(task: TaskModel, verb: string): string {
  const head = `${verb} \`${task.wireName}\` (queue \`${task.queue}\`).`;
  return commentText(task.description === undefined ? head : `${head}\n\n${task.description}`);
}

/** enqueue.ts: `createEnqueue(options)`, one typed member per task, `bulk` and `close`. */
export async function emitEnqueue(
  model: SchemaModel,
  header: string,
  options: EmitOptions,
  printer: TypeScriptPrinter,
): Promise<GeneratedFile> {
  const members: OptionalKind<MethodSignatureStructure>[] = model.tasks.map((task) => ({
    name: task.camel,
    docs: [taskDoc(task, "Validates and enqueues")],
    parameters: [
      { name: "payload", type: payloadTypeName(task.pascal) },
      { name: "options", type: "EnqueueOptions", hasQuestionToken: true },
    ],
    returnType: "Promise<EnqueuedTask>",
  }));
  members.push(
    {
      name: "bulk",
      docs: ["Validates every item, then enqueues them all; nothing is written when one item is invalid."],
      parameters: [{ name: "items", type: "readonly BulkItem[]" }],
      returnType: "Promise<EnqueuedTask[]>",
    },
    { name: "close", docs: ["Closes the producer's Redis connection."], returnType: "Promise<void>" },
  );
  const bulkMembers = model.tasks.map(
    (task) =>
      `{ readonly task: ${literal(task.camel)}; readonly payload: ${payloadTypeName(task.pascal)}; readonly options?: EnqueueOptions }`,
  );
  const memberImplementations = model.tasks.map(
    (task) =>
      `${task.camel}: (payload, enqueueOptions) => producer.enqueue(${literal(task.wireName)}, payload, enqueueOptions),`,
  );
  return printer.print("enqueue.ts", header, {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        namedImports: ["createProducer"],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        isTypeOnly: true,
        namedImports: ["EnqueueOptions", "EnqueuedTask", "ProducerOptions"],
      },
      ...(model.tasks.length === 0
        ? []
        : [
            {
              kind: StructureKind.ImportDeclaration,
              moduleSpecifier: "./payloads.js",
              isTypeOnly: true,
              namedImports: model.tasks.map((task) => payloadTypeName(task.pascal)).sort(),
            } as const,
          ]),
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: "./registry.js",
        namedImports: ["registry", "wireNames"],
      },
      (writer) => {
        writer
          .write(jsDoc("One item of `bulk`: the task (its member name), its payload and enqueue options."))
          .newLine();
        writer.write("export type BulkItem =");
        if (bulkMembers.length === 0) writer.write(" never");
        for (const member of bulkMembers) writer.newLine().write(`  | ${member}`);
        writer.write(";");
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "Enqueue",
        docs: ["The typed producer: one member per task of the schema."],
        methods: members,
      },
      {
        kind: StructureKind.Function,
        isExported: true,
        name: "createEnqueue",
        docs: [
          "Creates the typed producer over this schema's registry (the runtime's `createProducer`).\n@param options Redis URL, key prefix and logger of the producer",
        ],
        parameters: [{ name: "options", type: "ProducerOptions", initializer: "{}" }],
        returnType: "Enqueue",
        statements: [
          "const producer = createProducer(registry, options);",
          (writer) => {
            writer.write("return {").indent(() => {
              for (const line of memberImplementations) writer.writeLine(line);
              writer.writeLine("bulk: (items) =>");
              writer.indent(() => {
                writer.writeLine("producer.enqueueBulk(");
                writer.indent(() => {
                  writer.writeLine(
                    "items.map((item) => ({ type: wireNames[item.task], payload: item.payload, options: item.options })),",
                  );
                });
                writer.writeLine("),");
              });
              writer.writeLine("close: () => producer.close(),");
            });
            writer.write("};");
          },
        ],
      },
    ],
  });
}
