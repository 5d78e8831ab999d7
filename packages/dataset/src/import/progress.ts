import type { ImportProgress } from "../types.ts";

// Often enough for a smooth bar, rarely enough that a job queue or UI is not flooded.
const INTERVAL_MS = 200;

export class ProgressCounter implements ImportProgress {
  seen = 0;
  imported = 0;
  copies = 0;
  skipped = 0;
  failed = 0;
  private last = 0;

  constructor(
    readonly total: number | null,
    private readonly listener?: (p: ImportProgress) => void,
  ) {}

  add(kind: "imported" | "copies" | "skipped" | "failed", items = 1): void {
    this.seen += items;
    this[kind] += items;
    this.emit(false);
  }

  /** A row that counted as imported turned out to be there already (another import won the race). */
  moveImportedToSkipped(items: number): void {
    this.imported -= items;
    this.skipped += items;
  }

  /** A copy whose original could not be imported after all: it failed with it. */
  moveCopyToFailed(): void {
    this.copies -= 1;
    this.failed += 1;
  }

  snapshot(): ImportProgress {
    return { seen: this.seen, imported: this.imported, copies: this.copies, skipped: this.skipped, failed: this.failed, total: this.total };
  }

  emit(force: boolean): void {
    if (!this.listener) return;
    const now = Date.now();
    if (!force && now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.listener(this.snapshot());
  }
}
