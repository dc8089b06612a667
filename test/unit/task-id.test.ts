import { describe, expect, it } from "vitest";
import { newTaskId } from "../../runtime/producer/task-id.js";

describe("newTaskId", () => {
  it("makes distinct version 4 UUIDs across refills, with random bits in every position", () => {
    const ids = Array.from({ length: 2_000 }, () => newTaskId());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Each hex digit that is random takes more than one value (2,000 ids: all 16, almost surely).
    for (let at = 0; at < 36; at++) {
      const digits = new Set(ids.map((id) => id[at]));
      const fixed = [8, 13, 18, 23].includes(at) ? 1 : at === 14 ? 1 : at === 19 ? 4 : 16;
      expect(digits.size, `position ${at}`).toBe(fixed);
    }
  });
});
