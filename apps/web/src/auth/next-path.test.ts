import { describe, expect, it } from "vitest";

import { safeNextPath } from "./next-path.ts";

describe("safeNextPath", () => {
  it("keeps paths on this site and refuses everything that could leave it", () => {
    expect(safeNextPath("/mentor/accept")).toBe("/mentor/accept");
    expect(safeNextPath("/coach/sharing?x=1")).toBe("/coach/sharing?x=1");
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil.example", "mentor", "", "/\nx", undefined, ["/a"], "/".padEnd(300, "a")]) {
      expect(safeNextPath(bad), String(bad)).toBeNull();
    }
  });
});
