"use client";

import { useEffect, useRef } from "react";

import { CAMERA_MESSAGES } from "../../coach/camera.ts";
import { secondsLeft } from "../../coach/practice.ts";
import { percent } from "../../coach/readout.ts";
import { useRescueFocus } from "../use-rescue-focus.ts";
import { EXPRESSION_COLOURS } from "./expression-colours.ts";
import { clearOverlay, drawOverlay } from "./overlay.ts";
import { PRACTICE_START_ID } from "./practice-panel.tsx";
import type { Coach } from "./use-coach.ts";

/** What the page says over the picture when it cannot read a face. */
function faceMessage(coach: Coach): string | null {
  if (coach.camera.kind !== "live") return null;
  if (coach.status.kind === "loading") return "Loading the models…";
  const faces = coach.snapshot?.faces;
  if (faces === "none") return "No face in view. Face the camera in good light.";
  if (faces === "several") return "Several faces in view. Mien reads one face, yours: make sure you are alone in view.";
  return null;
}

/**
 * An attempt or a resting-face recording, shown over the picture. On a phone the panels sit below
 * the camera, so without it the user would see either their face or the hold meter, never both.
 * The panels stay the accessible source; this repeats them for the eye, plus two buttons when an
 * attempt has ended, so that a phone user can go again without scrolling.
 */
function StageHud({ coach }: { coach: Coach }) {
  const recording = coach.snapshot?.recording;
  const practice = coach.snapshot?.practice;
  const phase = recording ? "recording" : (practice?.phase ?? null);
  // Keyboard focus follows the attempt it started from here: "Again" → this Cancel; the attempt's end → "Again".
  const pressedAgain = useRef(false);
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  const againRef = useRef<HTMLButtonElement | null>(null);
  useRescueFocus(cancelRef, phase, () => phase === "running" && pressedAgain.current);
  useRescueFocus(againRef, phase, phase === "done");
  useEffect(() => {
    if (phase === "done") pressedAgain.current = false;
  }, [phase]);

  if (recording) {
    return (
      <div className="coach-hud" data-testid="coach-hud">
        <div aria-hidden="true">
          <p>Relax your face and keep still…</p>
          <span className="coach-hud-bar">
            <span style={{ width: percent(recording.progress) }} />
          </span>
        </div>
      </div>
    );
  }
  if (!practice) return null;
  const { target, holdMs } = practice.settings;
  if (practice.phase === "running") {
    return (
      <div className="coach-hud coach-hud-row" data-testid="coach-hud">
        <div aria-hidden="true">
          <p>
            Show <strong>{target}</strong> · {percent(practice.level)} · {secondsLeft(practice, practice.settings)} s left
          </p>
          <span className="coach-hud-bar" title="Time held">
            <span style={{ width: percent(practice.heldMs / holdMs), background: EXPRESSION_COLOURS[target] }} />
          </span>
        </div>
        <button
          type="button"
          className="coach-hud-button"
          ref={cancelRef}
          aria-label="Cancel the attempt"
          onClick={() => {
            pressedAgain.current = false;
            coach.cancelPractice();
          }}
        >
          Cancel
        </button>
      </div>
    );
  }
  const result = practice.result;
  if (!result) return null;
  return (
    <div className="coach-hud coach-hud-row" data-testid="coach-hud">
      <p aria-hidden="true">
        <strong>{result.score}</strong> · {result.succeeded ? "held" : "not held"}
      </p>
      <div className="coach-hud-actions">
        <button
          type="button"
          className="coach-hud-button coach-hud-button-main"
          ref={againRef}
          aria-label={`Practise ${target} again`}
          onClick={() => {
            pressedAgain.current = true;
            coach.dismissPractice();
            coach.startPractice(practice.settings);
          }}
        >
          Again
        </button>
        <button
          type="button"
          className="coach-hud-button"
          aria-label="Close the score"
          onClick={() => {
            coach.dismissPractice();
            document.getElementById(PRACTICE_START_ID)?.focus({ preventScroll: true });
          }}
        >
          Close
        </button>
      </div>
    </div>
  );
}

/** Brings the camera into view when an attempt or a recording starts below it (a phone), so the user sees their face while it runs. */
function useShowWhileBusy(busy: boolean) {
  const ref = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!busy || !el) return;
    const box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) el.scrollIntoView({ block: "nearest" });
  }, [busy]);
  return ref;
}

export function CameraStage({ coach }: { coach: Coach }) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const stageRef = useShowWhileBusy(Boolean(coach.snapshot?.recording) || coach.snapshot?.practice?.phase === "running");

  useEffect(() => {
    const off = coach.onEveryReading((reading, snapshot) => {
      if (canvasRef.current) drawOverlay(canvasRef.current, reading, snapshot);
    });
    return off;
  }, [coach.onEveryReading]);

  useEffect(() => {
    if (coach.camera.kind !== "live") clearOverlay(canvasRef.current);
  }, [coach.camera.kind]);

  const live = coach.camera.kind === "live";
  const starting = coach.camera.kind === "starting";
  const problem = coach.camera.kind === "problem" ? CAMERA_MESSAGES[coach.camera.problem] : null;
  const message = faceMessage(coach);

  return (
    <section className="coach-stage" aria-labelledby="camera-heading" ref={stageRef}>
      <h2 id="camera-heading" className="visually-hidden">
        Camera
      </h2>
      <div className="coach-video" data-live={live || undefined}>
        {/* Muted, inline, never recorded: frames go only to the on-device worker. */}
        <video ref={coach.videoRef} muted playsInline aria-label="Your camera, mirrored" data-testid="coach-video" />
        <canvas ref={canvasRef} className="coach-overlay" aria-hidden="true" />
        {!live && !problem ? (
          <div className="coach-placeholder">
            <p>Your camera is off.</p>
            <p className="hint">When you start it, frames are analysed in this browser and never uploaded.</p>
          </div>
        ) : null}
        {live ? <StageHud coach={coach} /> : null}
        {message ? (
          <p className="coach-face-message" data-testid="coach-face-state">
            {message}
          </p>
        ) : null}
      </div>
      {problem ? (
        <div className="notice notice-error coach-camera-problem" role="alert" data-testid="coach-camera-problem">
          <strong>{problem.title}.</strong> {problem.body}
        </div>
      ) : null}
      <div className="coach-camera-actions">
        {/* One button whose job changes, so that keyboard focus stays on it when the camera starts or stops. */}
        <button
          type="button"
          className={live ? "button button-quiet" : "button"}
          aria-disabled={starting || undefined}
          onClick={() => (live ? coach.stopCamera() : starting ? undefined : void coach.startCamera())}
        >
          {live ? "Stop camera" : starting ? "Starting camera…" : "Start camera"}
        </button>
        <span className="hint">Frames never leave this device.</span>
      </div>
    </section>
  );
}
