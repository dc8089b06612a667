/**
 * The ways a payload is judged, each exactly as jobgen judges it in use:
 * - `worker`: the delivery check the worker's validation middleware runs on the entry's payload
 *   text (caps, JSON, forbidden keys, exact integers, the generated zod validator);
 * - `producer`: the check the typed producer runs before it writes (`enqueue.x(payload)`), on the
 *   value a JavaScript program holds after parsing the data;
 * - `cli`: `jobgen enqueue --payload <text>`: its check of the text with the validators it builds
 *   from the schema file, then the producer's check.
 */
import { payloadIssues } from "../../codegen/operations/enqueue.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAYLOAD_BYTES } from "../../runtime/defaults.js";
import { formatIssues } from "../../runtime/errors.js";
import { checkOutgoingPayload } from "../../runtime/producer/outgoing-payload.js";
import type { TaskDefinition } from "../../runtime/types.js";
import { validateDeliveredPayload } from "../../runtime/wire/validation.js";

export const PATHS = ["worker", "producer", "cli"] as const;
export type PathName = (typeof PATHS)[number];

/** A verdict: accepted, or refused with the reason jobgen gives. */
export type Verdict = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

/** The definitions a case runs against: the generated registry's and the CLI's. */
export interface CaseTask {
  readonly name: string;
  readonly generated: TaskDefinition;
  readonly cli: TaskDefinition;
}

/** The verdict of one path on a payload given as JSON text. */
export function judge(path: PathName, task: CaseTask, data: string): Verdict {
  try {
    switch (path) {
      case "worker":
        validateDeliveredPayload(task.name, data, task.generated, {
          maxBytes: task.generated.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
          maxDepth: task.generated.maxDepth ?? DEFAULT_MAX_DEPTH,
        });
        break;
      case "producer":
        checkOutgoingPayload(task.name, task.generated, JSON.parse(data));
        break;
      case "cli": {
        const payload: unknown = JSON.parse(data);
        const issues = payloadIssues(task.cli, payload, data);
        if (issues.length > 0) return { accepted: false, reason: formatIssues(issues) };
        checkOutgoingPayload(task.name, task.cli, payload);
        break;
      }
    }
    return { accepted: true };
  } catch (error) {
    return { accepted: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
