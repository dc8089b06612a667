// The dashboard page is embedded into runtime/dashboard/assets.generated.ts: the embedded copy must
// be what `npm run embed:dashboard` writes from runtime/dashboard/page/ now.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EMBEDDED_FILE, embeddedAssets } from "../../scripts/embed-dashboard.js";

describe("dashboard assets", () => {
  it("embeds the current page sources (run npm run embed:dashboard after editing them)", () => {
    expect(readFileSync(EMBEDDED_FILE, "utf8")).toBe(embeddedAssets());
  });
});
