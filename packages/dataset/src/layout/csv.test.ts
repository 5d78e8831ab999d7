import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { LayoutError } from "../errors.ts";
import { legendLabels } from "./csv.ts";

const tmp = mkdtempSync(join(tmpdir(), "mien-legend-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("legendLabels", () => {
  it("keeps an image's label when its rows agree, null when they disagree, and skips rows with an empty cell", async () => {
    const path = join(tmp, "legend.csv");
    writeFileSync(
      path,
      [
        "user.id,image,emotion",
        "1,a.jpg,HAPPINESS",
        "2,a.jpg, happiness ",
        "1,b.jpg,anger",
        "2,b.jpg,sadness",
        '1,"c, quoted.jpg",neutral',
        "1,d.jpg,",
        "1,,fear",
        "1,e.jpg,unknown-label",
      ].join("\n"),
    );
    const labels = await legendLabels(path, (raw) => (raw === "unknown-label" ? null : raw.toLowerCase()));
    expect(Object.fromEntries(labels)).toEqual({ "a.jpg": "happiness", "b.jpg": null, "c, quoted.jpg": "neutral", "e.jpg": null });
  });

  it("names the missing column of a file that is not a legend", async () => {
    const path = join(tmp, "not-a-legend.csv");
    writeFileSync(path, "name,score\na.jpg,3\n");
    await expect(legendLabels(path, (raw) => raw)).rejects.toThrow(LayoutError);
    await expect(legendLabels(path, (raw) => raw)).rejects.toThrow(/no image column .* and no label column/);
  });
});
