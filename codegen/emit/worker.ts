import type { SchemaModel } from "../model/model.js";
import {
  functionDeclaration,
  importDeclaration,
  interfaceDeclaration,
  member,
  printFile,
  typeAlias,
} from "./declarations.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { block, typeList } from "./layout.js";
import { literal } from "./literal.js";
import { versionedTasks } from "./versions.js";

/**
 * worker.ts: `createWorker(options, handlers)`. The handlers required are exactly those of the
 * tasks of the consumed queues (`options.queues`, or every queue when absent): a missing handler or
 * an unknown key does not compile. When a consumed task keeps earlier payload versions,
 * `createWorker(options, handlers, upcasts)` takes their upcasts too, and compiles only with all of them.
 */
export function emitWorker(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const versioned = versionedTasks(model).length > 0;
  return printFile("worker.ts", header, [
    [
      importDeclaration(["createWorkerRuntime"], options.runtime),
      importDeclaration(
        ["AnyHandler", ...(versioned ? ["AnyUpcasts"] : []), "Worker", "WorkerOptions"],
        options.runtime,
        true,
      ),
      importDeclaration(["QueueHandlers", ...(versioned ? ["QueueUpcasts"] : [])], "./handlers.js", true),
      importDeclaration(["registry", "wireNames"], "./registry.js"),
    ],
    typeAlias({
      doc: "The queues of the schema.",
      exported: true,
      name: "QueueName",
      type:
        model.queues.length === 0
          ? "never"
          : typeList(
              "|",
              model.queues.map((queue) => literal(queue.name)),
            ),
    }),
    typeAlias({
      doc: "The intersection of the members of a union (a worker of two queues needs both handler maps).",
      name: "UnionToIntersection",
      typeParameters: ["U"],
      type: "(U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never",
    }),
    typeAlias({
      doc: "The handlers a worker consuming the queues `Q` must have: every task of those queues.",
      exported: true,
      name: "HandlersFor",
      typeParameters: ["Q extends QueueName"],
      type: "UnionToIntersection<QueueHandlers[Q]>",
    }),
    ...(versioned
      ? [
          typeAlias({
            doc: "The upcasts a worker consuming the queues `Q` must supply: every versioned task of those queues.",
            exported: true,
            name: "UpcastsFor",
            typeParameters: ["Q extends QueueName"],
            type: "UnionToIntersection<QueueUpcasts[Q]>",
          }),
          typeAlias({
            doc: "`createWorker`'s third argument: required when a consumed task keeps earlier versions, absent otherwise.",
            name: "UpcastArgs",
            typeParameters: ["Q extends QueueName"],
            type: "keyof UpcastsFor<Q> extends never ? [] : [upcasts: UpcastsFor<Q>]",
          }),
        ]
      : []),
    interfaceDeclaration({
      doc: "Worker options whose `queues` are names of this schema's queues.",
      exported: true,
      name: "TypedWorkerOptions",
      typeParameters: ["Q extends QueueName"],
      extends: ['Omit<WorkerOptions, "queues">'],
      members: [
        member(
          "readonly queues?: readonly Q[]",
          "Queues to consume.\n@defaultValue every queue of the schema",
        ),
      ],
    }),
    functionDeclaration({
      doc:
        "Creates a worker for the queues of `options.queues` (every queue when absent) with a handler for each\n" +
        "of their tasks.\n" +
        "@param options queues, Redis URL, concurrency, logger, ...\n" +
        "@param handlers a handler per task of the consumed queues, by member name (`sendEmail`)" +
        (versioned
          ? "\n@param upcasts the upcasts of each consumed task that keeps earlier payload versions, by member name"
          : ""),
      exported: true,
      name: "createWorker",
      typeParameters: ["const Q extends QueueName = QueueName"],
      parameters: [
        "options: TypedWorkerOptions<Q>",
        "handlers: NoInfer<HandlersFor<Q>>",
        ...(versioned ? ["...upcasts: NoInfer<UpcastArgs<Q>>"] : []),
      ],
      returnType: "Worker",
      body: versioned
        ? [
            "// The map types are intersections of interfaces (no index signature); read them by member name.",
            "const given = handlers as unknown as Readonly<Record<string, AnyHandler | undefined>>;",
            "const givenUpcasts = (upcasts[0] ?? {}) as unknown as Readonly<Record<string, AnyUpcasts | undefined>>;",
            "const byWireName: Record<string, AnyHandler> = {};",
            "const upcastsByWireName: Record<string, AnyUpcasts> = {};",
            block("for (const [member, wireName] of Object.entries(wireNames))", [
              "const handler = Object.hasOwn(given, member) ? given[member] : undefined;",
              "if (handler !== undefined) byWireName[wireName] = handler;",
              "const upcast = Object.hasOwn(givenUpcasts, member) ? givenUpcasts[member] : undefined;",
              "if (upcast !== undefined) upcastsByWireName[wireName] = upcast;",
            ]),
            "return createWorkerRuntime(registry, options, byWireName, upcastsByWireName);",
          ]
        : [
            "// The map type is an intersection of interfaces (no index signature); read it by member name.",
            "const given = handlers as unknown as Readonly<Record<string, AnyHandler | undefined>>;",
            "const byWireName: Record<string, AnyHandler> = {};",
            block("for (const [member, wireName] of Object.entries(wireNames))", [
              "const handler = Object.hasOwn(given, member) ? given[member] : undefined;",
              "if (handler !== undefined) byWireName[wireName] = handler;",
            ]),
            "return createWorkerRuntime(registry, options, byWireName);",
          ],
    }),
  ]);
}
