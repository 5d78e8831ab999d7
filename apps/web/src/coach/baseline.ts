import { z } from "zod";

import { EXPRESSION_CLASSES, type ExpressionClass } from "@mien/model";

/**
 * Neutral calibration. A model reads some relaxed faces as sad or angry; Mien records what it
 * reads on the user's own relaxed face (their resting read r) and from then on shows every
 * reading p relative to it, as a prior correction in log-odds:
 *
 *     p'_k ∝ p_k · q_k / r_k
 *
 * where q is what a typical relaxed face reads as (mostly neutral). At rest p = r, so p' = q:
 * the resting face reads as neutral. Moving away from rest changes p'_k by exactly the factor
 * p_k / r_k by which that expression rose or fell, so a smile still shows as happiness and a
 * frown that is only the user's resting face no longer shows as anger.
 */

/** Floor for probabilities before logs: one in ten thousand. */
const FLOOR = 1e-4;
/** The share of neutral a relaxed face reads as after calibration. */
export const RESTING_NEUTRAL = 0.6;

/** The resting read: the normalised geometric mean of per-frame probabilities (robust to a blink). */
export function restingRead(samples: readonly (readonly number[])[]): number[] {
  if (samples.length === 0) throw new Error("No frames were recorded.");
  const k = samples[0]!.length;
  const logMean = Array.from({ length: k }, (_, j) => samples.reduce((s, p) => s + Math.log(Math.max(p[j]!, FLOOR)), 0) / samples.length);
  return normalise(logMean.map(Math.exp));
}

/** q: what a typical relaxed face reads as: neutral (clearly above the abstain threshold), the rest spread evenly. */
export function restingTarget(classes: readonly ExpressionClass[], abstainThreshold: number): number[] {
  const n = classes.indexOf("neutral");
  if (n < 0) return classes.map(() => 1 / classes.length);
  const neutral = Math.min(0.9, Math.max(RESTING_NEUTRAL, abstainThreshold + 0.15));
  return classes.map((_, i) => (i === n ? neutral : (1 - neutral) / (classes.length - 1)));
}

/** p' ∝ p · q / r (see the top of this file). */
export function relativeToRest(p: readonly number[], resting: readonly number[], target: readonly number[]): number[] {
  if (p.length !== resting.length || p.length !== target.length) {
    throw new Error("The recorded resting face belongs to a model with other classes; record it again.");
  }
  const logits = p.map((v, i) => Math.log(Math.max(v, FLOOR)) - Math.log(Math.max(resting[i]!, FLOOR)) + Math.log(target[i]!));
  const max = Math.max(...logits);
  return normalise(logits.map((l) => Math.exp(l - max)));
}

function normalise(xs: number[]): number[] {
  const total = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / total);
}

/** Expressions a face makes on purpose (a smile, raised brows): a relaxed face that reads mostly as one of them was probably not relaxed. */
const ACTIVE_EXPRESSIONS: readonly ExpressionClass[] = ["happiness", "surprise"];
/** The share of one of them in the resting read above which the recording earns a warning. */
export const ACTIVE_AT_REST = 0.4;

/**
 * A warning for a resting read that leans to a smile or surprise (kept, since some relaxed faces do
 * read so, but the user should know the cost: that expression will read weaker from then on), or null.
 */
export function restingWarning(baseline: Pick<Baseline, "classes" | "resting">): string | null {
  let top: { expression: ExpressionClass; share: number } | null = null;
  baseline.classes.forEach((expression, i) => {
    const share = baseline.resting[i]!;
    if (ACTIVE_EXPRESSIONS.includes(expression) && share >= ACTIVE_AT_REST && (!top || share > top.share)) top = { expression, share };
  });
  if (!top) return null;
  const { expression, share } = top as { expression: ExpressionClass; share: number };
  const face = expression === "happiness" ? "smiling" : "raising your eyebrows";
  return `Your relaxed face read as ${Math.round(share * 100)}% ${expression}. If you were ${face}, record again with your face relaxed: while this recording is kept, ${expression} reads weaker than it is.`;
}

/** Mean total-variation distance of the frames from their resting read: 0 = still, 1 = all over. */
export function restlessness(samples: readonly (readonly number[])[], resting: readonly number[]): number {
  const tv = samples.map((p) => p.reduce((s, v, j) => s + Math.abs(v - resting[j]!), 0) / 2);
  return tv.reduce((a, b) => a + b, 0) / tv.length;
}

export const baselineSchema = z.object({
  version: z.literal(1),
  /** The model it was recorded with: a resting read means nothing to another model. */
  modelKey: z.string().min(1),
  classes: z.array(z.enum(EXPRESSION_CLASSES)).min(2),
  resting: z.array(z.number().min(0).max(1)),
  frames: z.number().int().positive(),
  recordedAt: z.iso.datetime(),
});
export type Baseline = z.infer<typeof baselineSchema>;

export type RecordingOutcome = { ok: true; baseline: Baseline } | { ok: false; reason: string };

export interface RecorderOptions {
  durationMs?: number;
  /** On a slow device, recording goes on past `durationMs` until it has `minFrames` faces, up to this long. */
  maxDurationMs?: number;
  /** Share of the recording's frames that must show exactly one face. */
  minFaceShare?: number;
  minFrames?: number;
  maxRestlessness?: number;
}

/**
 * Collects a few seconds of per-frame (unsmoothed) probabilities of the relaxed face and turns
 * them into a Baseline, or says why it cannot (face missing too often, face changing).
 */
export class BaselineRecorder {
  readonly durationMs: number;
  private readonly maxDurationMs: number;
  private readonly minFrames: number;
  private readonly samples: number[][] = [];
  private frames = 0;

  constructor(
    private readonly modelKey: string,
    private readonly classes: readonly ExpressionClass[],
    private readonly startedAt: number,
    private readonly options: RecorderOptions = {},
  ) {
    this.durationMs = options.durationMs ?? 3000;
    this.maxDurationMs = Math.max(this.durationMs, options.maxDurationMs ?? 3 * this.durationMs);
    this.minFrames = options.minFrames ?? 6;
  }

  /** One frame: its probabilities when exactly one face was in view, else null. */
  add(tMs: number, probabilities: readonly number[] | null): void {
    if (this.done(tMs)) return;
    this.frames++;
    if (probabilities) this.samples.push([...probabilities]);
  }

  progress(tMs: number): number {
    const time = (tMs - this.startedAt) / this.durationMs;
    return Math.min(1, Math.max(0, Math.min(time, this.samples.length / this.minFrames)));
  }

  done(tMs: number): boolean {
    const elapsed = tMs - this.startedAt;
    return elapsed >= this.maxDurationMs || (elapsed >= this.durationMs && this.samples.length >= this.minFrames);
  }

  finish(now = new Date()): RecordingOutcome {
    const { minFaceShare = 0.6, maxRestlessness = 0.3 } = this.options;
    if (this.samples.length < this.minFrames || this.samples.length < minFaceShare * this.frames) {
      return { ok: false, reason: "Your face was not in view for enough of the recording. Face the camera, alone in view, and try again." };
    }
    const resting = restingRead(this.samples);
    if (restlessness(this.samples, resting) > maxRestlessness) {
      return { ok: false, reason: "Your expression changed during the recording. Relax your face, keep still for three seconds and try again." };
    }
    return {
      ok: true,
      baseline: { version: 1, modelKey: this.modelKey, classes: [...this.classes], resting, frames: this.samples.length, recordedAt: now.toISOString() },
    };
  }
}

const STORAGE_KEY = "mien.coach.baseline";

/** The stored baseline, kept on this device only; null when absent or unreadable. */
export function loadBaseline(storage: Pick<Storage, "getItem">): Baseline | null {
  const raw = storage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const parsed = baselineSchema.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.resting.length === parsed.data.classes.length ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveBaseline(storage: Pick<Storage, "setItem">, baseline: Baseline): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(baseline));
}

export function clearBaseline(storage: Pick<Storage, "removeItem">): void {
  storage.removeItem(STORAGE_KEY);
}
