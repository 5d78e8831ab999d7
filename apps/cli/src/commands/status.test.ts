import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

import { describe, expect, it } from "vitest";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..", "..");
const MAIN = join(REPO_ROOT, "apps", "cli", "src", "main.ts");

/** `pnpm mien …` as one node process with exactly `env` (nothing inherited), from the repository root. */
function mien(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: REPO_ROOT, env, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("pnpm mien with no environment at all", () => {
  it("uses the defaults pnpm start uses, and reaches PostgreSQL and Redis with them (read-only)", () => {
    const r = mien(["status"], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/DATABASE_URL +postgresql:\/\/mien:\*\*\*@127\.0\.0\.1:5432\/mien {2}\(default\)/);
    expect(r.stdout).toMatch(/REDIS_URL +redis:\/\/127\.0\.0\.1:6379 {2}\(default\)/);
    expect(r.stdout).toContain(`MIEN_DATA_DIR       ${join(REPO_ROOT, ".data")}  (default)`);
    expect(r.stdout).toMatch(/^PostgreSQL: answers; /m);
    expect(r.stdout).toMatch(/^Redis: answers\.$/m);
    expect(r.stderr).toBe("");
  });

  it("prints usage, not a stack, for every command's --help", () => {
    for (const verb of ["import", "snapshot", "status"]) {
      const r = mien([verb, "--help"], {});
      expect(r.code, `${verb}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: pnpm mien /);
    }
  });
});

describe("pnpm mien with a bad environment", () => {
  it("names each bad variable and stops before doing anything", () => {
    const r = mien(["status"], { DATABASE_URL: "mysql://db/x", MIEN_TRAINER_LOCK_MS: "-5" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mien status: Invalid environment:\n {2}DATABASE_URL: DATABASE_URL must be a postgresql:\/\/ URL\n {2}MIEN_TRAINER_LOCK_MS: /);
    expect(r.stdout).toBe("");
  });

  it("says which service does not answer and what to do, with exit code 1", () => {
    const r = mien(["status"], { DATABASE_URL: "postgresql://mien:hunter2pw@127.0.0.1:1/mien", REDIS_URL: "redis://127.0.0.1:1" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PostgreSQL: no answer at postgresql:\/\/mien:\*\*\*@127\.0\.0\.1:1\/mien .*set DATABASE_URL\.$/m);
    expect(r.stdout).toMatch(/^Redis: no answer at redis:\/\/127\.0\.0\.1:1 .*set REDIS_URL\.$/m);
    expect(r.stdout + r.stderr).not.toContain("hunter2pw");
  });
});
