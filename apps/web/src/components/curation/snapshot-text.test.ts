import { describe, expect, it } from "vitest";

import { dropText } from "./snapshot-text.ts";

describe("dropText", () => {
  it("says one unresolved conflict in the singular and several in the plural", () => {
    expect(dropText({ conflict: 1, flagged: 0 }, false)).toBe("1 unresolved conflict");
    expect(dropText({ conflict: 3, flagged: 12 }, false)).toBe("3 unresolved conflicts, 12 flagged by curators");
  });

  it("says nothing was left out, and marks a reviewed-only snapshot", () => {
    expect(dropText({}, false)).toBe("nothing");
    expect(dropText({ removed: 2 }, true)).toBe("2 removed by an admin (reviewed only)");
  });
});
