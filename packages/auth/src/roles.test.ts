import { describe, expect, it } from "vitest";

import { roleAtLeast, roleOf } from "./roles.ts";

describe("roleOf", () => {
  it("reads a known role and counts anything else as a user", () => {
    expect(roleOf({ role: "admin" })).toBe("admin");
    expect(roleOf({ role: "curator" })).toBe("curator");
    for (const role of ["superuser", "", null, undefined, 3]) expect(roleOf({ role })).toBe("user");
    expect(roleOf({})).toBe("user");
    expect(roleAtLeast(roleOf({ role: "Admin" }), "admin")).toBe(false);
  });
});
