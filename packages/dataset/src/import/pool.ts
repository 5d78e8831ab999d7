/**
 * Runs tasks with at most `limit` in flight. `run` waits for a free slot, so a
 * producer loop calling it stays at most `limit` tasks ahead. The first task
 * error stops new tasks and is rethrown by `run` or `drain`.
 */
export class TaskPool {
  private active = 0;
  private waiters: Array<() => void> = [];
  private idle: Array<() => void> = [];
  private error: unknown = null;

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    if (this.error) throw this.error;
    this.active++;
    void task()
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => {
        this.active--;
        this.waiters.shift()?.();
        if (this.active === 0) for (const r of this.idle.splice(0)) r();
      });
  }

  /** Waits for every started task; rethrows the first failure. */
  async drain(): Promise<void> {
    while (this.active > 0) await new Promise<void>((r) => this.idle.push(r));
    if (this.error) throw this.error;
  }
}
