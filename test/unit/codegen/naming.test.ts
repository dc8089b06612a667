// Generated identifiers come from codegen/model/naming.ts alone: what the generated index exports
// is exactly what naming.ts says each task, queue and shared type adds, and a schema whose names
// would collide is refused before anything is emitted.
import { describe, expect, it } from "vitest";
import { generate } from "../../../codegen/generate.js";
import { SchemaErrors } from "../../../codegen/load/issue.js";
import {
  GENERATED_NAMES,
  handlerTypeName,
  queueHandlersName,
  taskIdentifiers,
  toPascalCase,
  typeIdentifiers,
} from "../../../codegen/model/naming.js";

const SCHEMA = `version: 1
queues:
  mail: {}
types:
  Address: { type: object, properties: { city: { type: string } } }
tasks:
  send_email: { queue: mail, payload: { type: object, properties: { to: { $ref: "#/types/Address" } } } }
  billing.invoice-created: { queue: mail, payload: { type: object } }
`;

function exportedNames(index: string): Set<string> {
  const names = new Set<string>();
  for (const match of index.matchAll(/export (?:type )?\{([^}]*)\}/g))
    for (const name of (match[1] ?? "").split(",")) if (name.trim() !== "") names.add(name.trim());
  return names;
}

describe("naming", () => {
  it.each([
    ["send_email", ["sendEmail", "SendEmailPayload", "SendEmailPayloadSchema", "SendEmailHandler"]],
    [
      "billing.invoice-created",
      [
        "billingInvoiceCreated",
        "BillingInvoiceCreatedPayload",
        "BillingInvoiceCreatedPayloadSchema",
        "BillingInvoiceCreatedHandler",
      ],
    ],
  ])("task %s adds %j", (wireName, identifiers) => {
    expect(taskIdentifiers(wireName)).toEqual(identifiers);
  });

  it("the generated index exports exactly the names naming.ts builds", async () => {
    const files = await generate("jobs.yaml", SCHEMA);
    const index = files.find((file) => file.path === "index.ts")?.contents ?? "";
    const expected = new Set([
      "createEnqueue",
      "createWorker",
      "registry",
      "wireNames",
      ...GENERATED_NAMES,
      ...typeIdentifiers("Address"),
      ...["send_email", "billing.invoice-created"].flatMap((task) => taskIdentifiers(task).slice(1)),
      queueHandlersName(toPascalCase("mail")),
    ]);
    expect(exportedNames(index)).toEqual(expected);
    expect(files.find((file) => file.path === "handlers.ts")?.contents).toContain(
      `export interface ${handlerTypeName("SendEmail")} {`,
    );
  });

  it("a shared type named like a task's payload type is refused, naming both", async () => {
    const clash = SCHEMA.replace("types:\n", "types:\n  SendEmailPayload: { type: string }\n");
    const error = await generate("jobs.yaml", clash).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaErrors);
    expect((error as SchemaErrors).issues.map((issue) => issue.message).join("\n")).toMatch(
      /SendEmailPayload, which type "SendEmailPayload" already uses/,
    );
  });
});
