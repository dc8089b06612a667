import type { SchemaModel } from "../model/model.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { literal } from "./literal.js";
import { StructureKind, type TypeScriptPrinter } from "./typescript.js";

/**
 * worker.ts: `createWorker(options, handlers)`. The handlers required are exactly those of the
 * tasks of the consumed queues (`options.queues`, or every queue when absent): a missing handler or
 * an unknown key does not compile.
 */
export async function emitWorker(
  model: SchemaModel,
  header: string,
  options: EmitOptions,
  printer: TypeScriptPrinter,
): Promise<GeneratedFile> {
  return printer.print("worker.ts", header, {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        namedImports: ["createWorkerRuntime"],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        isTypeOnly: true,
        namedImports: ["AnyHandler", "Worker", "WorkerOptions"],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: "./handlers.js",
        isTypeOnly: true,
        namedImports: ["QueueHandlers"],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: "./registry.js",
        namedImports: ["registry", "wireNames"],
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: "QueueName",
        docs: ["The queues of the schema."],
        type:
          model.queues.length === 0 ? "never" : model.queues.map((queue) => literal(queue.name)).join(" | "),
      },
      {
        kind: StructureKind.TypeAlias,
        name: "UnionToIntersection",
        typeParameters: ["U"],
        type: "(U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never",
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: "HandlersFor",
        docs: ["The handlers a worker consuming the queues `Q` must have: every task of those queues."],
        typeParameters: [{ name: "Q", constraint: "QueueName" }],
        type: "UnionToIntersection<QueueHandlers[Q]>",
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "TypedWorkerOptions",
        docs: ["Worker options whose `queues` are names of this schema's queues."],
        typeParameters: [{ name: "Q", constraint: "QueueName" }],
        extends: ['Omit<WorkerOptions, "queues">'],
        properties: [
          {
            name: "queues",
            isReadonly: true,
            hasQuestionToken: true,
            docs: ["Queues to consume.\n@defaultValue every queue of the schema"],
            type: "readonly Q[]",
          },
        ],
      },
      {
        kind: StructureKind.Function,
        isExported: true,
        name: "createWorker",
        docs: [
          "Creates a worker for the queues of `options.queues` (every queue when absent) with a handler for each of their tasks.\n@param options queues, Redis URL, concurrency, logger, ...\n@param handlers a handler per task of the consumed queues, by member name (`sendEmail`)",
        ],
        typeParameters: [{ name: "Q", constraint: "QueueName", default: "QueueName", isConst: true }],
        parameters: [
          { name: "options", type: "TypedWorkerOptions<Q>" },
          { name: "handlers", type: "NoInfer<HandlersFor<Q>>" },
        ],
        returnType: "Worker",
        statements: [
          "// The map type is an intersection of interfaces (no index signature); read it by member name.",
          "const given = handlers as unknown as Readonly<Record<string, AnyHandler | undefined>>;",
          "const byWireName: Record<string, AnyHandler> = {};",
          "for (const [member, wireName] of Object.entries(wireNames)) {",
          "const handler = Object.hasOwn(given, member) ? given[member] : undefined;",
          "if (handler !== undefined) byWireName[wireName] = handler;",
          "}",
          "return createWorkerRuntime(registry, options, byWireName);",
        ],
      },
    ],
  });
}
