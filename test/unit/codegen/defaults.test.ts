// Schema defaults at generate time: a default must be valid against its own property schema and may
// only sit on a property (both positioned errors); handlers' types require a defaulted property,
// producers' types and the exported bundle leave it optional; the validator fills it in.
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { generate } from "../../../codegen/generate.js";
import { loadSchema } from "../../../codegen/load/load.js";
import { SchemaErrors } from "../../../codegen/load/issue.js";
import { registryFromModel } from "../../../codegen/operations/schema-registry.js";
import { checkOutgoingPayload } from "../../../runtime/producer/outgoing-payload.js";

const SCHEMA = `version: 1
types:
  Window:
    type: object
    properties:
      from: { type: string, default: "09:00" }
tasks:
  notify:
    payload:
      type: object
      required: [user, prio]
      additionalProperties: false
      properties:
        user: { type: string }
        prio: { type: integer, minimum: 1, default: 5 }
        channels: { type: array, items: { type: string }, default: [email] }
        window: { $ref: "#/types/Window", default: {} }
        retry: { type: object, properties: { steps: { type: array } }, default: { steps: [1, 2] } }
`;

function errorsOf(text: string): string[] {
  try {
    loadSchema("jobs.yaml", text);
  } catch (error) {
    if (error instanceof SchemaErrors) return error.issues.map((i) => `${i.line}:${i.col}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("schema defaults", () => {
  it("a default its own schema refuses is an error at the default", () => {
    expect(errorsOf(SCHEMA.replace("minimum: 1, default: 5", "minimum: 1, default: 0"))).toEqual([
      "15:53: default 0 does not match its own schema: Too small: expected number to be >=1",
    ]);
    expect(errorsOf(SCHEMA.replace('default: "09:00"', "default: 9"))).toEqual([
      "6:38: default 9 does not match its own schema: Invalid input: expected string, received number",
    ]);
  });

  it("a default anywhere but on a property is an error", () => {
    expect(
      errorsOf(
        SCHEMA.replace(
          "      type: object\n      required: [user, prio]",
          "      type: object\n      default: {}\n      required: [user, prio]",
        ),
      ),
    ).toEqual(["11:7: default only applies to a property: it fills the property in when a payload lacks it"]);
  });

  it("handlers' types require a defaulted property; producers pass the Input type, where it is optional", async () => {
    const files = await generate("jobs.yaml", SCHEMA);
    const payloads = files.find((file) => file.path === "payloads.ts")?.contents ?? "";
    const block = (name: string): string =>
      payloads.slice(payloads.indexOf(`export interface ${name} {`)).split("\n}")[0] ?? "";
    expect(block("NotifyPayload")).toMatch(/\n {2}prio: number;/);
    expect(block("NotifyPayload")).toMatch(/\n {2}window: Window;/);
    expect(block("NotifyInput")).toMatch(/\n {2}prio\?: number;/);
    expect(block("NotifyInput")).toMatch(/\n {2}window\?: WindowInput;/);
    expect(block("WindowInput")).toMatch(/\n {2}from\?: string;/);
    const enqueue = files.find((file) => file.path === "enqueue.ts")?.contents ?? "";
    expect(enqueue).toContain("notify(payload: NotifyInput, options?: EnqueueOptionsWithoutPriority)");
  });

  it("the exported bundle describes what producers may write: defaulted properties are not required", async () => {
    const files = await generate("jobs.yaml", SCHEMA);
    const bundle = JSON.parse(files.find((file) => file.path === "schema.json")?.contents ?? "{}") as {
      $defs: Record<string, unknown>;
      tasks: Record<string, Record<string, unknown>>;
    };
    expect(bundle.tasks.notify?.required).toEqual(["user"]);
    const validate = new Ajv2020({ strict: false }).compile({ ...bundle.tasks.notify, $defs: bundle.$defs });
    expect(validate({ user: "ada" })).toBe(true);
  });

  it("the validator fills defaults in, with fresh nested values each time, and the producer stores them", () => {
    const registry = registryFromModel(loadSchema("jobs.yaml", SCHEMA));
    const task = registry.tasks.notify;
    if (task === undefined) throw new Error("no task");
    expect(task.fillsDefaults).toBe(true);
    const stored = JSON.parse(checkOutgoingPayload("notify", task, { user: "ada" })) as Record<
      string,
      unknown
    >;
    expect(stored).toEqual({
      user: "ada",
      prio: 5,
      channels: ["email"],
      window: { from: "09:00" },
      retry: { steps: [1, 2] },
    });
    expect(JSON.parse(checkOutgoingPayload("notify", task, { user: "ada", prio: 2 }))).toMatchObject({
      prio: 2,
    });
  });
});
