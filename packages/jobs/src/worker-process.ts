/** A started worker, as its process sees it. */
export interface RunningWorker {
  /** Resolves once the worker is connected and takes jobs. */
  waitUntilReady(): Promise<unknown>;
  /** Finishes the current step, releases the job's lock and frees what the worker holds. */
  close(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Names the process in its log lines ("trainer", "screener"). */
  name: string;
  redisUrl: string;
  prefix: string;
  /** What it waits for, for the start-up line ("jobs", "screening runs"). */
  waitingFor: string;
  start: () => RunningWorker | Promise<RunningWorker>;
  log?: (line: string) => void;
}

/** The Redis URL without its credentials, for logs. */
export function maskRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * The main of a worker process (apps/trainer, apps/screener): starts the worker, says where it
 * listens, and on SIGINT or SIGTERM closes it before exiting. Closing finishes the current step
 * and releases the job's lock, so another worker (or this one, restarted) takes the job over at
 * once instead of waiting for the lock to expire.
 */
export async function runWorkerProcess(options: WorkerProcessOptions): Promise<RunningWorker> {
  const log = options.log ?? console.log;
  const worker = await options.start();
  await worker.waitUntilReady();
  log(`${options.name}: waiting for ${options.waitingFor} on ${maskRedisUrl(options.redisUrl)} (prefix ${options.prefix})`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${options.name}: ${signal}, closing`);
      worker.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`${options.name}: closing failed:`, error);
          process.exit(1);
        },
      );
    });
  }
  return worker;
}
