/**
 * Exponential moving average of class probabilities with a time constant, so smoothing is the
 * same at 10 or 60 frames per second: a frame's weight is 1 - exp(-Δt / τ). One frame alone
 * misleads (blinks, motion blur, a half-turned head); a quarter of a second of frames does not.
 */
export class ProbabilitySmoother {
  private state: number[] | null = null;
  private last = 0;

  /** `tauMs`: time constant; `gapMs`: after this long without a face, start afresh. */
  constructor(
    private readonly tauMs = 300,
    private readonly gapMs = 1000,
  ) {}

  update(probabilities: readonly number[], tMs: number): number[] {
    if (!this.state || this.state.length !== probabilities.length || tMs - this.last > this.gapMs || tMs < this.last) {
      this.state = [...probabilities];
    } else {
      const weight = 1 - Math.exp(-(tMs - this.last) / this.tauMs);
      this.state = this.state.map((s, i) => s + weight * (probabilities[i]! - s));
    }
    this.last = tMs;
    return [...this.state];
  }

  reset(): void {
    this.state = null;
  }
}
