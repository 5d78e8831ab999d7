import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { z } from "zod";

// import.meta.dirname is Node-only; bundlers (Turbopack in `next build`) provide just import.meta.url.
const HERE = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));

/** Repository root: apps run from their own folder under turbo/pnpm, so walk up from here. */
export const REPO_ROOT = resolve(HERE, "..", "..", "..");

/** A positive whole number of milliseconds (NaN, 0 and negatives are refused). */
const positiveMs = (fallback: number) => z.coerce.number({ message: "must be a number of milliseconds" }).int().positive().default(fallback);

const serverSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgresql:// URL" }),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // BullMQ key prefix: separate prefixes keep parallel test runs off each other's jobs.
  MIEN_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "MIEN_QUEUE_PREFIX may hold letters, digits, '.', '_' and '-' only")
    .default("bull"),
  MIEN_DATA_DIR: z.string().default(".data"),
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
  BETTER_AUTH_SECRET: z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters").optional(),
  MIEN_BASE_URL: z.string().url().default("http://localhost:3000"),
  /** Sign-in attempts allowed per client address, as "<attempts>/<seconds>". */
  MIEN_SIGN_IN_LIMIT: z
    .string()
    .regex(/^[1-9]\d*\/[1-9]\d*$/, { message: 'MIEN_SIGN_IN_LIMIT must look like "10/60" (attempts per seconds)' })
    .default("10/60")
    .transform((v) => {
      const [max, window] = v.split("/").map(Number) as [number, number];
      return { max, window };
    }),
  /** Trainer: how long a job's lock lasts, and how often a dead worker's job is looked for (ms). */
  MIEN_TRAINER_LOCK_MS: positiveMs(60_000),
  MIEN_TRAINER_STALLED_MS: positiveMs(30_000),
  /** Trainer: worker threads for conv training (data parallel); default: the cores there are. */
  MIEN_TRAINER_THREADS: z.coerce.number().int().min(1).max(64).default(() => Math.max(1, availableParallelism())),
  /** Trainer: the embedding cache folder (default <data dir>/embeddings). */
  MIEN_EMBEDDING_CACHE: z.string().min(1).optional(),
  /** Force one TF.js backend in Node: tensorflow (tfjs-node[-gpu]), wasm or cpu. */
  MIEN_TF_BACKEND: z.enum(["tensorflow", "wasm", "cpu"]).optional(),
});

export type ServerEnv = z.infer<typeof serverSchema> & { dataDir: string };

/** Parses process.env once; throws one readable error naming every bad variable. */
export function loadServerEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = serverSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = isAbsolute(env.MIEN_DATA_DIR) ? env.MIEN_DATA_DIR : join(REPO_ROOT, env.MIEN_DATA_DIR);
  if (env.MIEN_STORAGE === "s3" && (!env.S3_ENDPOINT || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
    throw new Error("MIEN_STORAGE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.");
  }
  return { ...env, dataDir };
}
