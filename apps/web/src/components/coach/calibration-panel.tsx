"use client";

import { useRef } from "react";

import { restingWarning } from "../../coach/baseline.ts";
import { rank, shareText } from "../../coach/readout.ts";
import { useRescueFocus } from "../use-rescue-focus.ts";
import type { Coach } from "./use-coach.ts";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Records the user's relaxed face and explains, in plain words, what reading relative to it means. */
export function CalibrationPanel({ coach }: { coach: Coach }) {
  const recording = coach.snapshot?.recording ?? null;
  const canRecord = coach.camera.kind === "live" && coach.status.kind === "ready" && !recording && coach.snapshot?.practice?.phase !== "running";
  const baseline = coach.baseline;
  const resting = baseline ? rank(baseline.resting, baseline.classes).slice(0, 3) : [];
  const warning = baseline ? restingWarning(baseline) : null;
  // The record button is disabled while recording and replaced once a face is recorded: keyboard focus goes to the recording, then back to the button.
  const recordRef = useRef<HTMLButtonElement | null>(null);
  const recordingRef = useRef<HTMLDivElement | null>(null);
  useRescueFocus(recording ? recordingRef : recordRef, Boolean(recording));

  return (
    <section className="panel coach-panel" aria-labelledby="calibration-heading">
      <h2 id="calibration-heading">Your resting face</h2>
      {baseline ? (
        <div data-testid="coach-baseline">
          <p>
            Your relaxed face read as <strong>{resting.map(shareText).join(", ")}</strong> (recorded {timeFormat.format(new Date(baseline.recordedAt))}).
          </p>
          {warning ? (
            <p className="notice" data-testid="coach-baseline-warning">
              {warning}
            </p>
          ) : null}
          <p className="hint">
            {coach.showRaw
              ? "Showing the model's own readings, not relative to your resting face."
              : "Readings are now relative to it: your relaxed face reads as neutral, and the readout shows how you move away from it."}
          </p>
          <div className="coach-row">
            <label className="check">
              <input type="checkbox" checked={coach.showRaw} onChange={(e) => coach.setShowRaw(e.target.checked)} />
              Show readings without the correction
            </label>
            <button type="button" className="button button-quiet" ref={recordRef} onClick={coach.recordBaseline} disabled={!canRecord}>
              Record again
            </button>
            <button type="button" className="button button-quiet" onClick={coach.resetBaseline}>
              Reset
            </button>
          </div>
        </div>
      ) : (
        <>
          <p>
            Everyone&apos;s relaxed face reads a little differently; some read as sad or angry when they are neither. Record three seconds of your relaxed face
            and Mien will show your expressions relative to it.
          </p>
          <button type="button" className="button" ref={recordRef} onClick={coach.recordBaseline} disabled={!canRecord}>
            Record my resting face
          </button>
          {coach.camera.kind !== "live" ? <p className="hint">Start the camera to record it.</p> : null}
        </>
      )}
      {recording ? (
        <div className="coach-recording" data-testid="coach-recording" tabIndex={-1} ref={recordingRef}>
          <label htmlFor="recording-progress">Recording… keep your face relaxed and still.</label>
          <progress id="recording-progress" max={1} value={recording.progress} />
        </div>
      ) : null}
      {coach.recordingError ? (
        <p className="notice notice-error" role="alert">
          {coach.recordingError}
        </p>
      ) : null}
      <details className="coach-details">
        <summary>How does this work?</summary>
        <p>
          While you relax, Mien notes how strongly the model reads each expression on your face, say 45% sadness. Afterwards it divides every reading by that
          lean, class by class, and scales it so that your relaxed face reads as neutral. A smile still shows as happiness; a mouth that simply turns down at
          rest no longer shows as sadness.
        </p>
        <p>The recording is a handful of numbers, kept only in this browser. No picture of you is stored. Once you have recorded one, Reset removes it.</p>
      </details>
    </section>
  );
}
