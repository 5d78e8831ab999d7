import cliProgress from "cli-progress";

import type { ImportProgress } from "../types.ts";

export interface ProgressReporter {
  update(p: ImportProgress): void;
  stop(): void;
}

const n = (v: number) => v.toLocaleString("en-US");

/**
 * A live bar on a terminal; on anything else (CI logs, pipes) one plain line
 * every few seconds, so logs stay readable.
 */
export function createProgressReporter(options: { tty: boolean; stream?: NodeJS.WritableStream; intervalMs?: number }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const rate = (p: ImportProgress) => Math.round(p.seen / Math.max(0.001, (Date.now() - started) / 1000));

  if (options.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format:
          "Importing [{bar}] {percentage}% | {value}/{total} | imported {imported}, copies {copies}, skipped {skipped}, failed {failed} | {rate}/s | ETA {eta_formatted}",
        stream: stream as NodeJS.WriteStream,
        hideCursor: true,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    let started_ = false;
    return {
      update(p) {
        const payload = { imported: n(p.imported), copies: n(p.copies), skipped: n(p.skipped), failed: n(p.failed), rate: n(rate(p)) };
        if (!started_) {
          bar.start(p.total ?? 0, p.seen, payload);
          started_ = true;
        } else bar.update(p.seen, payload);
      },
      stop: () => bar.stop(),
    };
  }

  const every = options.intervalMs ?? 5_000;
  let last = 0;
  let latest: ImportProgress | null = null;
  const line = (p: ImportProgress) =>
    stream.write(
      `import: ${n(p.seen)}${p.total !== null ? `/${n(p.total)}` : ""} seen — imported ${n(p.imported)}, copies ${n(p.copies)}, skipped ${n(p.skipped)}, failed ${n(p.failed)} — ${n(rate(p))}/s\n`,
    );
  return {
    update(p) {
      latest = p;
      if (Date.now() - last >= every) {
        last = Date.now();
        line(p);
      }
    },
    stop() {
      if (latest) line(latest);
    },
  };
}
