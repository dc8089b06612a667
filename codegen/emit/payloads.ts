import { createRequire } from "node:module";
import type * as Jstt from "json-schema-to-typescript";
import type { JSONSchema } from "json-schema-to-typescript";
import type { SchemaModel } from "../model/model.js";
import { PAYLOAD_MAP_TYPE, payloadTypeName } from "../model/naming.js";
import { rewriteRefs, sharedDefinitions } from "./bundle.js";
import type { GeneratedFile } from "./file.js";
import { indentByBrackets } from "./indent.js";

/** Loaded with require() to skip Node's export scan of this CommonJS package (see typescript.ts). */
const { compile } = createRequire(import.meta.url)("json-schema-to-typescript") as typeof Jstt;

/**
 * payloads.ts: the payload types, from json-schema-to-typescript. All payloads and shared types
 * are compiled as one document (one `$defs` each, named by `title`), which keeps it to one pass.
 */
export async function emitPayloads(model: SchemaModel, header: string): Promise<GeneratedFile> {
  const definitions: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(sharedDefinitions(model)))
    definitions[name] = { ...schema, title: name };
  for (const task of model.tasks) {
    const payload = rewriteRefs(task.payload);
    const description = payload.description ?? task.description;
    definitions[payloadTypeName(task.pascal)] = {
      ...payload,
      title: payloadTypeName(task.pascal),
      ...(description === undefined ? {} : { description }),
    };
  }
  const document = {
    title: PAYLOAD_MAP_TYPE,
    description: "The payload of every task, by wire name.",
    type: "object",
    additionalProperties: false,
    required: model.tasks.map((task) => task.wireName),
    properties: Object.fromEntries(
      model.tasks.map((task) => [task.wireName, { $ref: `#/$defs/${payloadTypeName(task.pascal)}` }]),
    ),
    $defs: definitions,
  };
  const text = await compile(structuredClone(document) as JSONSchema, PAYLOAD_MAP_TYPE, {
    bannerComment: "",
    format: false,
    unreachableDefinitions: true,
    ignoreMinAndMaxItems: true,
    declareExternallyReferenced: true,
    additionalProperties: true,
    strictIndexSignatures: false,
    enableConstEnums: false,
    inferStringEnumKeysFromValues: false,
    $refOptions: { resolve: { external: false, file: false, http: false } },
  });
  return { path: "payloads.ts", contents: `${header}\n${indentByBrackets(text)}` };
}
