import { describe, expect, it } from "vitest";

import { DEV_ONLY_AUTH_SECRET, resolveAuthSecret } from "./secret.ts";

describe("resolveAuthSecret", () => {
  it("uses BETTER_AUTH_SECRET when set", () => {
    const secret = "s".repeat(40);
    expect(resolveAuthSecret({ NODE_ENV: "production", BETTER_AUTH_SECRET: secret })).toBe(secret);
  });
  it("refuses to run production without a secret", () => {
    expect(() => resolveAuthSecret({ NODE_ENV: "production" })).toThrow(/BETTER_AUTH_SECRET is not set/);
  });
  it("refuses a short secret", () => {
    expect(() => resolveAuthSecret({ NODE_ENV: "development", BETTER_AUTH_SECRET: "short" })).toThrow(/32 characters/);
  });
  it("falls back to a clearly named development-only secret outside production", () => {
    expect(resolveAuthSecret({ NODE_ENV: "test" })).toBe(DEV_ONLY_AUTH_SECRET);
    expect(DEV_ONLY_AUTH_SECRET).toMatch(/dev-only/);
  });
});
