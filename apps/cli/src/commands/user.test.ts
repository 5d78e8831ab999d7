import { describe, expect, it } from "vitest";

import { parseUserArgs } from "./user.ts";

describe("mien user add arguments", () => {
  it("accepts a complete command", () => {
    expect(parseUserArgs(["add", "--email", "a@example.com", "--password", "long-enough", "--role", "curator", "--name", "Ann"])).toEqual({
      ok: true,
      value: { email: "a@example.com", password: "long-enough", role: "curator", name: "Ann" },
    });
  });

  it.each([
    [[], /Missing action/],
    [["remove"], /Unknown action "remove"/],
    [["add", "--email", "a@example.com", "--password", "long-enough"], /--role must be one of user, curator, admin/],
    [["add", "--email", "a@example.com", "--password", "long-enough", "--role", "owner"], /--role must be one of/],
    [["add", "--email", "nope", "--password", "long-enough", "--role", "user"], /--email must be an email address/],
    [["add", "--email", "a@example.com", "--password", "short", "--role", "user"], /at least 8 characters/],
    [["add", "--email", "a@example.com", "--role", "user"], /--password is required/],
    [["add", "--email", "a@example.com", "--password", "long-enough", "--role", "user", "--admin"], /Unknown option '--admin'/],
  ])("rejects %j", (argv, message) => {
    const result = parseUserArgs(argv as string[]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
