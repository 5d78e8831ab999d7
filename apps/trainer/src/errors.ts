/** The admin cancelled the job: stop at once, no retry. */
export class JobCancelledError extends Error {
  constructor() {
    super("Cancelled by an admin.");
    this.name = "JobCancelledError";
  }
}

/** This worker no longer holds the job's lock (another worker took it over): stop without writing. */
export class LockLostError extends Error {
  constructor(jobId: string) {
    super(`Lost the lock on job ${jobId}; another worker owns it now, so this one stops.`);
    this.name = "LockLostError";
  }
}
