import type { ExpressionClass } from "@mien/model";

import { rank, type Share } from "./readout.ts";

export interface PracticeSettings {
  target: ExpressionClass;
  /** How long the expression must be held. */
  holdMs: number;
  /** The attempt ends unheld after this long. */
  limitMs: number;
  /** The target's probability must stay at or above this while held. */
  threshold: number;
}

export const DEFAULT_PRACTICE: Omit<PracticeSettings, "target"> = { holdMs: 2000, limitMs: 15_000, threshold: 0.5 };

export interface PracticeResult {
  target: ExpressionClass;
  succeeded: boolean;
  /** 0..100: the target's mean probability over the best hold-long stretch of the attempt. */
  score: number;
  holdMs: number;
  durationMs: number;
  /** What the face read as over that stretch, most likely first (three at most). */
  readAs: Share[];
}

export interface PracticeState {
  phase: "running" | "done";
  /** The target's probability in the latest frame (0 without a face). */
  level: number;
  heldMs: number;
  elapsedMs: number;
  result: PracticeResult | null;
}

/** Whole seconds left in a running attempt, as the page counts them down. */
export function secondsLeft(state: Pick<PracticeState, "elapsedMs">, settings: Pick<PracticeSettings, "limitMs">): number {
  return Math.max(0, Math.ceil((settings.limitMs - state.elapsedMs) / 1000));
}

interface Sample {
  t: number;
  probabilities: number[] | null;
}

/**
 * One practice attempt: feed it the displayed probabilities of every frame (null when no single
 * face is in view). The hold timer runs while the target stays at or above the threshold and
 * restarts when it drops; the attempt ends when the hold completes or time runs out.
 */
export class PracticeAttempt {
  private readonly samples: Sample[] = [];
  private holdStart: number | null = null;
  private last: PracticeState;
  private readonly targetIndex: number;

  constructor(
    readonly settings: PracticeSettings,
    private readonly classes: readonly ExpressionClass[],
    private readonly startedAt: number,
  ) {
    this.targetIndex = classes.indexOf(settings.target);
    if (this.targetIndex < 0) throw new Error(`The running model cannot read ${settings.target}; pick another expression.`);
    this.last = { phase: "running", level: 0, heldMs: 0, elapsedMs: 0, result: null };
  }

  get state(): PracticeState {
    return this.last;
  }

  update(tMs: number, probabilities: readonly number[] | null): PracticeState {
    if (this.last.phase === "done") return this.last;
    this.samples.push({ t: tMs, probabilities: probabilities ? [...probabilities] : null });
    const level = probabilities ? probabilities[this.targetIndex]! : 0;
    if (level >= this.settings.threshold) this.holdStart ??= tMs;
    else this.holdStart = null;
    const heldMs = this.holdStart === null ? 0 : tMs - this.holdStart;
    const elapsedMs = tMs - this.startedAt;
    const succeeded = heldMs >= this.settings.holdMs;
    if (succeeded || elapsedMs >= this.settings.limitMs) {
      this.last = { phase: "done", level, heldMs: Math.min(heldMs, this.settings.holdMs), elapsedMs, result: this.score(succeeded, elapsedMs) };
    } else {
      this.last = { phase: "running", level, heldMs, elapsedMs, result: null };
    }
    return this.last;
  }

  /** Ends the attempt now (the user stopped it), scored on what was seen so far. */
  stop(tMs: number): PracticeState {
    if (this.last.phase === "done") return this.last;
    this.last = { ...this.last, phase: "done", result: this.score(false, tMs - this.startedAt) };
    return this.last;
  }

  /** The best hold-long window by mean target probability (frames without a face count as 0). */
  private score(succeeded: boolean, durationMs: number): PracticeResult {
    const { holdMs, target } = this.settings;
    const k = this.classes.length;
    const targetMean = (from: number, to: number) =>
      this.samples.slice(from, to).reduce((s, x) => s + (x.probabilities?.[this.targetIndex] ?? 0), 0) / Math.max(1, to - from);
    // An attempt shorter than the hold is judged whole; otherwise only full hold-long windows
    // count, so a single lucky frame is not a held expression.
    let best = { mean: targetMean(0, this.samples.length), from: 0, to: this.samples.length };
    let sawFull = false;
    for (let end = 0, start = 0; end < this.samples.length; end++) {
      // The shortest stretch ending here that lasts the hold. At a few readings a second it lasts a
      // little longer than the hold, as the stretch that completed the hold does.
      while (start < end && this.samples[end]!.t - this.samples[start + 1]!.t >= holdMs) start++;
      if (this.samples[end]!.t - this.samples[start]!.t < holdMs * 0.9) continue;
      const mean = targetMean(start, end + 1);
      if (!sawFull || mean > best.mean) best = { mean, from: start, to: end + 1 };
      sawFull = true;
    }
    const window = this.samples.slice(best.from, best.to).filter((s) => s.probabilities);
    const average = Array.from({ length: k }, (_, j) => (window.length ? window.reduce((s, x) => s + x.probabilities![j]!, 0) / window.length : 0));
    return {
      target,
      succeeded,
      score: Math.round(Math.max(0, best.mean) * 100),
      holdMs,
      durationMs: Math.round(durationMs),
      readAs: window.length ? rank(average, this.classes).slice(0, 3) : [],
    };
  }
}

/** "Read as surprise 40% instead (happiness 22%)." or "Read as happiness 78%; next surprise 10%." */
export function summarise(result: PracticeResult): string {
  const [first, second] = result.readAs;
  if (!first) return "No face was in view, so nothing was read.";
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  if (first.expression === result.target) {
    // A runner-up that rounds to 0% is not one ("next came neutral 0%").
    return `Read as ${first.expression} ${pct(first.probability)}${second && Math.round(second.probability * 100) > 0 ? `; next came ${second.expression} ${pct(second.probability)}` : ""}.`;
  }
  const target = result.readAs.find((s) => s.expression === result.target);
  return `Read as ${first.expression} ${pct(first.probability)} instead${target ? ` (${target.expression} ${pct(target.probability)})` : ` (${result.target} under ${pct(result.readAs.at(-1)!.probability)})`}.`;
}
