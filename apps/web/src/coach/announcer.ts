/**
 * Decides what the polite live region says, so a screen reader hears changes that last and not a
 * running commentary: a new message must hold for `stableMs`, differ from the last one spoken,
 * and come at least `gapMs` after it.
 */
export class StableAnnouncer {
  private candidate: { text: string; since: number } | null = null;
  private spoken: { text: string; at: number } | null = null;

  constructor(
    private readonly stableMs = 1500,
    private readonly gapMs = 4000,
  ) {}

  /** The text to announce now, or null. */
  update(tMs: number, text: string | null): string | null {
    if (text === null) {
      this.candidate = null;
      return null;
    }
    if (this.candidate?.text !== text) this.candidate = { text, since: tMs };
    if (tMs - this.candidate.since < this.stableMs) return null;
    if (this.spoken?.text === text) return null;
    if (this.spoken && tMs - this.spoken.at < this.gapMs) return null;
    this.spoken = { text, at: tMs };
    return text;
  }

  reset(): void {
    this.candidate = null;
    this.spoken = null;
  }
}
