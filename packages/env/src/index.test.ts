import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { DEFAULTS, ENV_NAMES, envValue, loadServerEnv, REPO_ROOT } from "./index.ts";

const tmp = mkdtempSync(join(tmpdir(), "mien-env-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("loadServerEnv with nothing set", () => {
  const env = loadServerEnv({});

  it("uses the defaults pnpm start uses", () => {
    expect(env.DATABASE_URL).toBe("postgresql://mien:mien@127.0.0.1:5432/mien");
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.dataDir).toBe(join(REPO_ROOT, ".data"));
    expect(env.MIEN_BASE_URL).toBe("http://localhost:3000");
    expect(env.MIEN_QUEUE_PREFIX).toBe("bull");
    expect(env.MIEN_TRAINER_LOCK_MS).toBe(60_000);
    expect(env.MIEN_TRAINER_STALLED_MS).toBe(30_000);
    expect(env.MIEN_TRAINER_THREADS).toBeGreaterThanOrEqual(1);
    expect(env.MIEN_EMBEDDING_CACHE).toBeUndefined();
    expect(env.MIEN_TF_BACKEND).toBeUndefined();
  });

  it("takes them from the same file as scripts/lib.sh, which resolves them identically in an empty shell", () => {
    const out = execFileSync(
      "bash",
      ["-c", 'source scripts/lib.sh && printf "%s\\n" "$MIEN_DATA_DIR" "$(mien_default DATABASE_URL)" "$(mien_default REDIS_URL)" "$(mien_default PORT)"'],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, encoding: "utf8" },
    );
    expect(out.trim().split("\n")).toEqual([env.dataDir, env.DATABASE_URL, env.REDIS_URL, String(env.PORT)]);
    expect(DEFAULTS).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, "packages", "env", "defaults.json"), "utf8")));
  });
});

describe("loadServerEnv with values", () => {
  it("derives the base URL from PORT unless MIEN_BASE_URL is set", () => {
    expect(loadServerEnv({ PORT: "3201" }).MIEN_BASE_URL).toBe("http://localhost:3201");
    expect(loadServerEnv({ PORT: "3201", MIEN_BASE_URL: "https://mien.example" }).MIEN_BASE_URL).toBe("https://mien.example");
  });

  it("reads the session secret pnpm start keeps in the data folder, and prefers BETTER_AUTH_SECRET", () => {
    const dataDir = join(tmp, "with-secret");
    execFileSync("mkdir", ["-p", dataDir]);
    expect(loadServerEnv({ MIEN_DATA_DIR: dataDir }).BETTER_AUTH_SECRET).toBeUndefined();
    writeFileSync(join(dataDir, "auth-secret"), `${"k".repeat(43)}\n`);
    expect(loadServerEnv({ MIEN_DATA_DIR: dataDir }).BETTER_AUTH_SECRET).toBe("k".repeat(43));
    expect(loadServerEnv({ MIEN_DATA_DIR: dataDir, BETTER_AUTH_SECRET: "e".repeat(32) }).BETTER_AUTH_SECRET).toBe("e".repeat(32));
    writeFileSync(join(dataDir, "auth-secret"), "short");
    expect(() => loadServerEnv({ MIEN_DATA_DIR: dataDir })).toThrow(/auth-secret holds a session secret shorter than 32 characters/);
  });

  it("names every bad variable at once", () => {
    const bad = { DATABASE_URL: "mysql://x", MIEN_TRAINER_LOCK_MS: "0", MIEN_TF_BACKEND: "gpu", MIEN_SCREENER_LOCK_MS: "soon", PORT: "70000" };
    expect(() => loadServerEnv(bad)).toThrow(
      /Invalid environment:\n {2}DATABASE_URL: DATABASE_URL must be a postgresql:\/\/ URL\n {2}PORT: .*\n {2}MIEN_TRAINER_LOCK_MS: .*\n {2}MIEN_TF_BACKEND: .*\n {2}MIEN_SCREENER_LOCK_MS: must be a number of milliseconds/,
    );
  });

  it("parses single variables with the same rules and defaults", () => {
    expect(envValue("MIEN_QUEUE_PREFIX", {})).toBe("bull");
    expect(envValue("MIEN_TRAINER_STALLED_MS", { MIEN_TRAINER_STALLED_MS: "1500" })).toBe(1500);
    expect(() => envValue("MIEN_QUEUE_PREFIX", { MIEN_QUEUE_PREFIX: "a b" })).toThrow(/MIEN_QUEUE_PREFIX: MIEN_QUEUE_PREFIX may hold letters/);
  });

  it("reads the sign-in and sign-up limits as attempts per seconds", () => {
    expect(envValue("MIEN_SIGN_IN_LIMIT", {})).toEqual({ max: 10, window: 60 });
    expect(envValue("MIEN_SIGN_UP_LIMIT", {})).toEqual({ max: 3, window: 10 });
    expect(envValue("MIEN_SIGN_UP_LIMIT", { MIEN_SIGN_UP_LIMIT: "40/600" })).toEqual({ max: 40, window: 600 });
    expect(() => envValue("MIEN_SIGN_UP_LIMIT", { MIEN_SIGN_UP_LIMIT: "lots" })).toThrow(/MIEN_SIGN_UP_LIMIT must look like "3\/10" \(attempts per seconds\)/);
    expect(() => envValue("MIEN_SIGN_IN_LIMIT", { MIEN_SIGN_IN_LIMIT: "0/60" })).toThrow(/MIEN_SIGN_IN_LIMIT must look like "10\/60"/);
  });
});

// Not configuration: NEXT_RUNTIME is set by Next.js; PRISMA_SCHEMA_ENGINE_BINARY is Prisma's own (the postinstall generate step sets it);
// FONTCONFIG_FILE is fontconfig's, set by the screening bench for the fonts it renders planted captions with.
const PLATFORM = new Set(["NEXT_RUNTIME", "PRISMA_SCHEMA_ENGINE_BINARY", "FONTCONFIG_FILE"]);

/** Source files of the apps and packages, without tests and test helpers (their variables steer the test harness). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (["node_modules", "generated", "testing", ".next", "scratch"].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !/\.test\.tsx?$|testing\.ts$/.test(name)) out.push(path);
  }
  return out;
}

describe("the schema", () => {
  it("holds every variable the code reads", () => {
    const files = ["apps", "packages"].flatMap((top) => readdirSync(join(REPO_ROOT, top)).map((p) => join(REPO_ROOT, top, p))).flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const known = new Set<string>(ENV_NAMES);
    const unknown: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(["'`]?)([^\]]*?)\2\s*\])/g)) {
        const name = m[1] ?? (m[2] ? m[3]! : `[${m[3]}] (a computed name cannot be checked)`);
        if (!known.has(name) && !PLATFORM.has(name)) unknown.push(`${file.slice(REPO_ROOT.length + 1)}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
