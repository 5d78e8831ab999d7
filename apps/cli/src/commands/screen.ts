import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { SCREENING_STAGES, screeningProgress, screeningQueue, screeningQueueEvents, type ScreeningProgress } from "@mien/jobs";
import { ScreeningOptionsError, screeningStatus, startScreener, startScreening, type ScreeningOptionsInput } from "@mien/screening";
import { createStorage } from "@mien/storage";

import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm mien screen [--stages a,b,…] [--force] [--batch-size N] [--ocr-workers N] [--here] [--no-wait]

Screens the whole image set: near-duplicates, face count, text over the face (OCR),
face embeddings and mislabel suspicion, then writes the automatic flags curators see.

  --stages LIST     only these stages (${SCREENING_STAGES.join(", ")})
  --force           recompute signals earlier runs stored (default: only images without them)
  --batch-size N    images per committed batch (default 64)
  --ocr-workers N   Tesseract threads (default 1)
  --here            screen in this process instead of waiting for a screener worker
  --no-wait         queue the run and exit

The run goes to the screening queue; a running screener (pnpm start runs one) picks it up.
Without one, this command screens in-process. A run that was interrupted resumes where it stopped.`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got "${value}".`);
  return n;
}

function line(p: ScreeningProgress): string {
  const stage = `${p.stageNumber}/${p.stageCount} ${p.stage}`;
  return `screen: ${p.percent.toFixed(1).padStart(5)}% | ${stage} ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")}${p.message ? ` | ${p.message}` : ""}`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args: argv,
      options: {
        stages: { type: "string" },
        force: { type: "boolean", default: false },
        "batch-size": { type: "string" },
        "ocr-workers": { type: "string" },
        here: { type: "boolean", default: false },
        "no-wait": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  let options: ScreeningOptionsInput;
  try {
    options = {
      force: values.force,
      ...(values.stages ? { stages: values.stages.split(",").map((s) => s.trim()) as ScreeningOptionsInput["stages"] } : {}),
      batchSize: positiveInt("batch-size", values["batch-size"]),
      ocrWorkers: positiveInt("ocr-workers", values["ocr-workers"]),
    };
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const env = loadServerEnv();
  const db = createDb(env.DATABASE_URL);
  const prefix = env.MIEN_QUEUE_PREFIX;
  const queue = screeningQueue(env.REDIS_URL, { prefix });
  const events = screeningQueueEvents(env.REDIS_URL, { prefix });
  let screener: ReturnType<typeof startScreener> | null = null;
  const close = async () => {
    await screener?.close();
    await Promise.all([events.close(), queue.close()]);
    await db.$disconnect();
  };
  try {
    let started;
    try {
      started = await startScreening(db, queue, { actorId: null, options });
    } catch (err) {
      if (err instanceof ScreeningOptionsError) {
        console.error(`${err.message}\n\n${USAGE}`);
        return 2;
      }
      throw err;
    }
    const { runId, created } = started;
    console.log(created ? `Screening run ${runId} queued.` : `Screening run ${runId} is already under way; following it.`);
    if (values["no-wait"]) return 0;

    await events.waitUntilReady();
    const tty = Boolean(process.stderr.isTTY);
    let lastPrinted = -1;
    events.on("progress", ({ jobId, data }) => {
      if (jobId !== runId) return;
      const p = screeningProgress.safeParse(data);
      if (!p.success) return;
      // A live line on a terminal; otherwise a line per stage change or 5% step, so logs stay short.
      if (tty) process.stderr.write(`\r${line(p.data).padEnd(110).slice(0, 110)}`);
      else if (Math.floor(p.data.percent / 5) !== lastPrinted || p.data.message?.endsWith("done")) {
        lastPrinted = Math.floor(p.data.percent / 5);
        process.stderr.write(`${line(p.data)}\n`);
      }
    });

    const workers = await queue.getWorkers();
    if (values.here || workers.length === 0) {
      console.log(values.here ? "Screening in this process." : "No screener is running; screening in this process.");
      screener = startScreener({ redisUrl: env.REDIS_URL, prefix, db, storage: createStorage(env), log: (m) => (tty ? undefined : console.log(m)) });
    }
    const stop = () => {
      console.error("\nStopping; run `pnpm mien screen` again to resume where it stopped.");
      void close().then(() => process.exit(130));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);

    const started_ = Date.now();
    const job = await queue.getJob(runId);
    if (!job) throw new Error(`The queue has no job for run ${runId}; start it again.`);
    try {
      await job.waitUntilFinished(events);
    } catch (err) {
      if (tty) process.stderr.write("\n");
      console.error(`Screening run ${runId} failed: ${(err as Error).message}`);
      return 1;
    }
    if (tty) process.stderr.write("\n");
    const [status] = await screeningStatus(db, null, 1);
    const seconds = (Date.now() - started_) / 1000;
    console.log(`Screening run ${runId} completed in ${seconds.toFixed(0)} s.`);
    for (const s of status?.id === runId ? status.stages : []) {
      const flags = (s.detail as { flags?: Record<string, number> } | null)?.flags;
      console.log(
        `  ${s.stage.padEnd(11)} ${String(s.processed).padStart(7)} ${s.stage === "flags" ? "step" : "images"}  ${s.seconds.toFixed(1).padStart(7)} s${s.failed ? `  (${s.failed} unreadable)` : ""}${
          flags
            ? `  ${Object.entries(flags)
                .map(([r, n]) => `${r} ${n}`)
                .join(", ")}`
            : ""
        }`,
      );
    }
    return 0;
  } finally {
    await close();
  }
}
