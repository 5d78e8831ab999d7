import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { z } from "zod";

import DEFAULTS from "../defaults.json" with { type: "json" };

// import.meta.dirname is Node-only; bundlers (Turbopack in `next build`) provide just import.meta.url.
const HERE = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));

/** Repository root: apps run from their own folder under turbo/pnpm, so walk up from here. */
export const REPO_ROOT = resolve(HERE, "..", "..", "..");

/**
 * The defaults shared with scripts/lib.sh (`pnpm start`, `pnpm test`): one JSON file that the
 * shell reads too, so the CLI and hand-started workers land on the same database, Redis and folder.
 */
export { DEFAULTS };

/** Where `pnpm start` keeps the generated session secret, relative to the data folder. */
export const AUTH_SECRET_FILE = "auth-secret";

/** A positive whole number of milliseconds (NaN, 0 and negatives are refused). */
const positiveMs = (fallback: number) => z.coerce.number({ message: "must be a number of milliseconds" }).int().positive().default(fallback);
const optionalMs = z.coerce.number({ message: "must be a number of milliseconds" }).int().positive().optional();

/** A rate limit written "<attempts>/<seconds>", e.g. "10/60", as { max, window }. */
const attemptsPerWindow = (name: string, fallback: string) =>
  z
    .string()
    .regex(/^[1-9]\d*\/[1-9]\d*$/, { message: `${name} must look like "${fallback}" (attempts per seconds)` })
    .default(fallback)
    .transform((v) => {
      const [max, window] = v.split("/").map(Number) as [number, number];
      return { max, window };
    });

/**
 * Every environment variable Mien reads (env.test.ts checks the source for others). Values that
 * depend on other values (the data folder, the base URL, the secret file) are filled in by loadServerEnv.
 */
const serverSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { message: "DATABASE_URL must be a postgresql:// URL" })
    .default(DEFAULTS.DATABASE_URL),
  REDIS_URL: z.string().url().default(DEFAULTS.REDIS_URL),
  // BullMQ key prefix: separate prefixes keep parallel test runs off each other's jobs.
  MIEN_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "MIEN_QUEUE_PREFIX may hold letters, digits, '.', '_' and '-' only")
    .default("bull"),
  MIEN_DATA_DIR: z.string().min(1).default(DEFAULTS.MIEN_DATA_DIR),
  MIEN_STORAGE: z.enum(["local", "s3"]).default("local"),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_BUCKET: z.string().default("mien"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Unset: the secret `pnpm start` generated into <data dir>/auth-secret, when there is one. */
  BETTER_AUTH_SECRET: z.string().trim().min(32, "BETTER_AUTH_SECRET must be at least 32 characters").optional(),
  /** The web app's port (next start reads it too); the base URL defaults to localhost on it. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(DEFAULTS.PORT),
  MIEN_BASE_URL: z.string().url().optional(),
  /** Sign-in attempts allowed per client address, as "<attempts>/<seconds>". */
  MIEN_SIGN_IN_LIMIT: attemptsPerWindow("MIEN_SIGN_IN_LIMIT", "10/60"),
  /** New accounts allowed per client address (a class signing up together behind one NAT may need more). */
  MIEN_SIGN_UP_LIMIT: attemptsPerWindow("MIEN_SIGN_UP_LIMIT", "3/10"),
  /** `pnpm mien bootstrap`: the first admin's email, and its password (default: random, kept in the data folder). */
  MIEN_ADMIN_EMAIL: z.string().email({ message: "MIEN_ADMIN_EMAIL must be an email address" }).default("admin@mien.local"),
  MIEN_ADMIN_PASSWORD: z.string().min(8, "MIEN_ADMIN_PASSWORD must be at least 8 characters").optional(),
  /** Trainer: how long a job's lock lasts, and how often a dead worker's job is looked for (ms). */
  MIEN_TRAINER_LOCK_MS: positiveMs(60_000),
  MIEN_TRAINER_STALLED_MS: positiveMs(30_000),
  /** Trainer: worker threads for conv training (data parallel); default: the cores there are. */
  MIEN_TRAINER_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.max(1, availableParallelism())),
  /** Trainer: the embedding cache folder (default <data dir>/embeddings). */
  MIEN_EMBEDDING_CACHE: z.string().min(1).optional(),
  /** Force one TF.js backend in Node: tensorflow (tfjs-node[-gpu]), wasm or cpu. */
  MIEN_TF_BACKEND: z.enum(["tensorflow", "wasm", "cpu"]).optional(),
  /** Code version written into model manifests (default: the git commit). */
  MIEN_CODE_VERSION: z.string().min(1).optional(),
  /** `pnpm mien train --data`: an ML-study embedding cache to seed from. */
  MIEN_ML_CACHE: z.string().min(1).optional(),
  /** Scripts and tests: where ../shared/data is, when not next to the repository. */
  MIEN_SHARED_DATA: z.string().min(1).optional(),
  /** Screener: job lock length and stalled-job check (ms); BullMQ's defaults when unset (tests shorten them). */
  MIEN_SCREENER_LOCK_MS: optionalMs,
  MIEN_SCREENER_STALLED_MS: optionalMs,
  /** Screener: the reference model's version folder for mislabel screening (default models/fer7-ensemble), or "none". */
  MIEN_SCREENING_REFERENCE: z.string().min(1).optional(),
});

type ParsedEnv = z.infer<typeof serverSchema>;
export type EnvName = keyof ParsedEnv;
/** Every variable the schema knows, for checks and listings. */
export const ENV_NAMES = Object.keys(serverSchema.shape) as EnvName[];

export type ServerEnv = Omit<ParsedEnv, "MIEN_BASE_URL"> & {
  MIEN_BASE_URL: string;
  /** MIEN_DATA_DIR as an absolute path (relative ones are taken from the repository root). */
  dataDir: string;
};

function invalid(issues: z.core.$ZodIssue[]): Error {
  const lines = issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  return new Error(`Invalid environment:\n${lines.join("\n")}`);
}

/** Parses the environment; throws one readable error naming every bad variable. Unset variables take the defaults above. */
export function loadServerEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = serverSchema.safeParse(source);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const env = parsed.data;
  const dataDir = isAbsolute(env.MIEN_DATA_DIR) ? env.MIEN_DATA_DIR : join(REPO_ROOT, env.MIEN_DATA_DIR);
  if (env.MIEN_STORAGE === "s3" && (!env.S3_ENDPOINT || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
    throw new Error("MIEN_STORAGE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.");
  }
  return {
    ...env,
    BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? readSecretFile(join(dataDir, AUTH_SECRET_FILE)),
    MIEN_BASE_URL: env.MIEN_BASE_URL ?? `http://localhost:${env.PORT}`,
    dataDir,
  };
}

/** One variable, parsed by the same schema (with its default), for code that needs no other. */
export function envValue<K extends EnvName>(name: K, source: NodeJS.ProcessEnv = process.env): ParsedEnv[K] {
  const parsed = serverSchema.shape[name].safeParse(source[name]);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ ...i, path: [name, ...i.path] })));
  return parsed.data as ParsedEnv[K];
}

/** Whether the environment sets `name` (rather than leaving it to the default). */
export function isSet(name: EnvName, source: NodeJS.ProcessEnv = process.env): boolean {
  return source[name] !== undefined;
}

function readSecretFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const secret = readFileSync(path, "utf8").trim();
  if (secret.length < 32)
    throw new Error(
      `${path} holds a session secret shorter than 32 characters; delete it and run \`pnpm start\` to make a new one, or set BETTER_AUTH_SECRET.`,
    );
  return secret;
}
