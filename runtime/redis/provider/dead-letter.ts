/** Dead-letter (DEAD_LETTER): atomically write the DLQ record (codec.ts deadLetterFields) and ack the entry. */
import { deadLetterFields, fieldsToArgs } from "../../wire/codec.js";
import { DEAD_LETTER_FIELDS } from "../../wire/dead-letter.js";
import type { DeadLetterDetails, DeliveredTask } from "../../worker/provider.js";
import { commands, failure, queueOf, type ProviderState } from "./state.js";

/** `false` when this consumer no longer owns the entry (nothing changed). */
export async function deadLetter(
  state: ProviderState,
  task: DeliveredTask,
  details: DeadLetterDetails,
): Promise<boolean> {
  const q = queueOf(state, task);
  const { consumer } = state;
  const fields = deadLetterFields(task, details, consumer, new Date());
  // The level goes with the record, so a replay returns the task to it.
  const record = fieldsToArgs(
    q.level === undefined ? fields : { ...fields, [DEAD_LETTER_FIELDS.priority]: q.level },
  );
  const done = await commands(state)
    .jobgenDeadLetter(q.keys.stream, q.keys.dlq, q.definition.group, consumer, task.entryId, ...record)
    .catch((err: unknown) => {
      throw failure(state, `dead-lettering ${task.entryId}`, err);
    });
  return done === 1;
}
