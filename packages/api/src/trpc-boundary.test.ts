import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const allowed = (file: string) => file === "packages/api/src/trpc.ts" || file.startsWith("packages/api/src/routers/");
// import … from "@trpc/server…", export … from, import("…"), require("…").
const trpcServer = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']@trpc\/server(?:\/[^"']*)?["']/;

describe("the tRPC boundary", () => {
  it("only packages/api/src/trpc.ts and routers/ import @trpc/server; domain code throws AppError", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx", "*.mts", "*.js", "*.mjs"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f && !f.includes("node_modules/") && existsSync(join(root, f)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => !allowed(f) && trpcServer.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
    // The check itself sees an import when there is one.
    expect(trpcServer.test(readFileSync(join(root, "packages/api/src/trpc.ts"), "utf8"))).toBe(true);
  });
});
