/**
 * Payload versions. Queued tasks carry the payload version they were written at. New workers read
 * a version they keep (validated against its schema there, then upcast), and hand a newer version
 * back to newer workers; a version they do not keep is dead-lettered (`unknown_version`). So:
 * - a kept version's schema is compared like a payload (it must still accept what was written);
 * - dropping a version still being written or queued breaks backward;
 * - raising the version with the old one kept makes the payload changes safe both ways (old tasks
 *   are upcast; old workers hand new-version tasks back): deploy workers first.
 */
import type { TaskModel } from "../../model/model.js";
import { breaking, DEPLOY_WORKERS_FIRST, safe, SAFE, type Change, type Effect } from "../change.js";
import type { At } from "../walk.js";

/** Compares the payloads of a task in both files: `payloads` compares two schemas of it. */
export function diffVersions(
  before: TaskModel,
  after: TaskModel,
  payloads: (old: TaskModel["payload"], next: TaskModel["payload"], at: At) => Change[],
): Change[] {
  const task = after.wireName;
  const path = ["tasks", task];
  const keptAfter = (version: number) => after.previous.find((kept) => kept.version === version);
  const schemaBefore = (version: number) =>
    version === before.version
      ? before.payload
      : before.previous.find((kept) => kept.version === version)?.payload;
  const changes: Change[] = [];
  // The earlier versions old tasks may carry, and how new workers read them (the old current
  // version is judged by VERSION_CHANGED below, or compared as the payload when it stays).
  for (const version of before.previous.map((kept) => kept.version)) {
    if (version === after.version) continue;
    const kept = keptAfter(version);
    const old = schemaBefore(version);
    if (kept !== undefined && old !== undefined) {
      changes.push(
        ...payloads(old, kept.payload, {
          path: [...path, "previous", String(version)],
          field: `payload (version ${version})`,
        }),
      );
    } else if (version < after.version) {
      changes.push({
        rule: "VERSION_DROPPED",
        task,
        path: [...path, "previous"],
        what: `payload version ${version} no longer kept`,
        backward: breaking(
          `version-${version} tasks still queued, delayed or dead-lettered are dead-lettered by new workers as unknown_version`,
          `keep version ${version} under previous (with its upcast) until none is queued: check jobgen stats and jobgen dlq list`,
        ),
        forward: SAFE,
      });
    }
  }
  if (after.version === before.version) {
    return [
      ...changes,
      ...payloads(before.payload, after.payload, { path: [...path, "payload"], field: "payload" }),
    ];
  }
  const raised = after.version > before.version;
  const keptOld = raised ? keptAfter(before.version) : undefined;
  const upcast = keptOld !== undefined;
  // The kept schema of the old version must still accept what old producers wrote.
  if (keptOld !== undefined) {
    changes.push(
      ...payloads(before.payload, keptOld.payload, {
        path: [...path, "previous", String(before.version)],
        field: `payload (version ${before.version})`,
      }),
    );
  }
  // With the version raised, no worker reads an old-version task against the new schema (it is
  // upcast, or dead-lettered as VERSION_CHANGED says) and no old worker reads a new-version task
  // against the old one (it hands it back): the payload changes themselves break nothing.
  const moot = (effect: Effect): Effect =>
    effect.breaking
      ? safe(
          upcast
            ? `covered by the version ${before.version} → ${after.version} upcast`
            : `judged by the version ${before.version} → ${after.version} change`,
        )
      : effect;
  const current = payloads(before.payload, after.payload, { path: [...path, "payload"], field: "payload" });
  changes.push({
    rule: "VERSION_CHANGED",
    task,
    path: [...path, "version"],
    what: `payload version ${before.version} → ${after.version}`,
    backward: upcast
      ? safe(
          `version-${before.version} tasks are validated against previous.${before.version} and upcast (fromV${before.version})`,
        )
      : raised
        ? breaking(
            `version-${before.version} tasks still queued are dead-lettered by new workers as unknown_version`,
            `keep version ${before.version} under previous, with an upcast fromV${before.version}`,
          )
        : breaking(
            `the version went down: version-${before.version} tasks are newer than new workers read`,
            "raise the version instead, keeping the old payload under previous",
          ),
    forward: raised
      ? safe(
          `old workers hand version-${after.version} tasks back to newer workers (maxVersionDeferrals times): ${DEPLOY_WORKERS_FIRST}`,
        )
      : breaking(`old workers read version ${after.version} only if they kept it`, DEPLOY_WORKERS_FIRST),
  });
  changes.push(
    ...current.map((change) =>
      raised ? { ...change, backward: moot(change.backward), forward: moot(change.forward) } : change,
    ),
  );
  return changes;
}
