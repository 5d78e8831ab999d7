import { StableAnnouncer } from "./announcer.ts";
import { BaselineRecorder, relativeToRest, restingTarget, type Baseline, type RecordingOutcome } from "./baseline.ts";
import { PracticeAttempt, summarise, type PracticeResult, type PracticeSettings, type PracticeState } from "./practice.ts";
import { describeReadout, type Readout } from "./readout.ts";
import { ProbabilitySmoother } from "./smoothing.ts";
import type { LoadedModel, Reading } from "./worker/protocol.ts";

export type FaceCount = "none" | "one" | "several";

export interface SessionSnapshot {
  faces: FaceCount | null;
  /** What the page shows: smoothed, and relative to the resting face when one is recorded and in use. */
  readout: Readout | null;
  /** Smoothed, never relative to the resting face. */
  raw: Readout | null;
  relative: boolean;
  recording: { progress: number } | null;
  practice: (PracticeState & { settings: PracticeSettings }) | null;
  /** Readings per second over the last two seconds, and the median time from frame to reading. */
  fps: number;
  latencyMs: number;
}

export interface ReadingOutcome {
  snapshot: SessionSnapshot;
  /** Text for the polite live region, when something lasting changed. */
  announce: string | null;
  recorded?: RecordingOutcome;
  practiced?: PracticeResult;
}

/** What the live region says about the face in view. */
function faceText(faces: FaceCount, readout: Readout | null): string {
  if (faces === "none") return "No face in view.";
  if (faces === "several") return "Several faces in view. Mien reads only yours: make sure you are alone in view.";
  if (!readout) return "Reading your face.";
  return readout.clear ? `Reads as ${readout.top[0]!.expression}.` : "Unclear.";
}

/**
 * Everything the coach derives from the stream of readings, without React or the DOM: smoothing,
 * the resting-face correction, the face-count state, calibration recordings, practice attempts
 * and what to announce. The page feeds it readings and renders its snapshots.
 */
export class LiveSession {
  private readonly smoother = new ProbabilitySmoother();
  private readonly announcer = new StableAnnouncer();
  private target: number[];
  private recorder: BaselineRecorder | null = null;
  private attempt: PracticeAttempt | null = null;
  private times: number[] = [];
  private latencies: number[] = [];
  private last: SessionSnapshot = { faces: null, readout: null, raw: null, relative: false, recording: null, practice: null, fps: 0, latencyMs: 0 };
  showRaw = false;

  constructor(
    private model: LoadedModel,
    private baseline: Baseline | null,
  ) {
    this.target = restingTarget(model.classes, model.abstainThreshold);
    if (baseline && baseline.modelKey !== model.key) this.baseline = null;
  }

  get snapshot(): SessionSnapshot {
    return this.last;
  }

  get currentBaseline(): Baseline | null {
    return this.baseline;
  }

  /** Switches to another model; a resting face recorded with the old one no longer applies. Returns whether it was dropped. */
  setModel(model: LoadedModel): boolean {
    const dropped = this.baseline !== null && this.baseline.modelKey !== model.key;
    this.model = model;
    this.target = restingTarget(model.classes, model.abstainThreshold);
    if (dropped) this.baseline = null;
    this.smoother.reset();
    this.recorder = null;
    this.attempt = null;
    this.last = { ...this.last, readout: null, raw: null, recording: null, practice: null, relative: false };
    return dropped;
  }

  setBaseline(baseline: Baseline | null): void {
    this.baseline = baseline && baseline.modelKey === this.model.key ? baseline : null;
  }

  startRecording(tMs: number, durationMs = 3000): void {
    this.recorder = new BaselineRecorder(this.model.key, this.model.classes, tMs, { durationMs });
  }

  /** Abandons a recording in progress (the camera stopped). */
  cancelRecording(): void {
    this.recorder = null;
    this.last = { ...this.last, recording: null };
  }

  startPractice(settings: PracticeSettings, tMs: number): void {
    this.attempt = new PracticeAttempt(settings, this.model.classes, tMs);
  }

  /** Ends a running attempt early; returns its result. */
  stopPractice(tMs: number): PracticeResult | null {
    if (!this.attempt) return null;
    const result = this.attempt.stop(tMs).result;
    this.attempt = null;
    this.last = { ...this.last, practice: null };
    return result;
  }

  /** Clears a finished attempt from view. */
  dismissPractice(): void {
    if (this.attempt?.state.phase === "done") this.attempt = null;
    this.last = { ...this.last, practice: this.attempt ? { ...this.attempt.state, settings: this.attempt.settings } : null };
  }

  /** `latencyMs`: the frame's round trip through the worker (its own timings when not given). */
  onReading(reading: Reading, tMs: number, latencyMs = reading.timings.totalMs): ReadingOutcome {
    if (reading.modelKey !== this.model.key) return { snapshot: this.last, announce: null };
    this.track(tMs, latencyMs);
    const faces: FaceCount = reading.faces.length === 0 ? "none" : reading.faces.length === 1 ? "one" : "several";
    const one = faces === "one" && reading.probabilities ? reading.probabilities : null;

    let raw: Readout | null = null;
    let readout: Readout | null = null;
    let displayed: number[] | null = null;
    if (one) {
      const smoothed = this.smoother.update(one, tMs);
      raw = describeReadout(smoothed, this.model.classes, this.model.abstainThreshold);
      displayed = this.baseline && !this.showRaw ? relativeToRest(smoothed, this.baseline.resting, this.target) : smoothed;
      readout = describeReadout(displayed, this.model.classes, this.model.abstainThreshold);
    }

    const outcome: ReadingOutcome = { snapshot: this.last, announce: null };
    let recording: SessionSnapshot["recording"] = null;
    if (this.recorder) {
      // The resting face is recorded from raw frames: smoothing would blur the start into it.
      this.recorder.add(tMs, one);
      if (this.recorder.done(tMs)) {
        outcome.recorded = this.recorder.finish();
        if (outcome.recorded.ok) this.baseline = outcome.recorded.baseline;
        this.recorder = null;
      } else {
        recording = { progress: this.recorder.progress(tMs) };
      }
    }

    let practice: SessionSnapshot["practice"] = null;
    if (this.attempt) {
      const wasRunning = this.attempt.state.phase === "running";
      const state = this.attempt.update(tMs, displayed);
      practice = { ...state, settings: this.attempt.settings };
      if (wasRunning && state.phase === "done") outcome.practiced = state.result!;
    }

    const text = outcome.practiced
      ? `${outcome.practiced.succeeded ? "Held" : "Time is up"}. Score ${outcome.practiced.score}. ${summarise(outcome.practiced)}`
      : outcome.recorded
        ? outcome.recorded.ok
          ? "Resting face recorded. Readings are now relative to it."
          : outcome.recorded.reason
        : null;
    if (text) {
      this.announcer.reset();
      outcome.announce = text;
    } else {
      outcome.announce = this.announcer.update(tMs, faceText(faces, readout));
    }

    this.last = {
      faces,
      readout,
      raw,
      relative: Boolean(this.baseline && !this.showRaw),
      recording,
      practice,
      fps: this.fps(),
      latencyMs: this.medianLatency(),
    };
    outcome.snapshot = this.last;
    return outcome;
  }

  private track(tMs: number, latency: number): void {
    this.times.push(tMs);
    this.latencies.push(latency);
    while (this.times.length && tMs - this.times[0]! > 2000) {
      this.times.shift();
      this.latencies.shift();
    }
  }

  private fps(): number {
    if (this.times.length < 2) return 0;
    return ((this.times.length - 1) * 1000) / (this.times.at(-1)! - this.times[0]!);
  }

  private medianLatency(): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  }
}
