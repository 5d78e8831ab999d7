"use client";

import { useEffect, useRef } from "react";

import { CAMERA_MESSAGES } from "../../coach/camera.ts";
import { clearOverlay, drawOverlay } from "./overlay.ts";
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

export function CameraStage({ coach }: { coach: Coach }) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);

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
  const problem = coach.camera.kind === "problem" ? CAMERA_MESSAGES[coach.camera.problem] : null;
  const message = faceMessage(coach);

  return (
    <section className="coach-stage" aria-labelledby="camera-heading">
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
        {live ? (
          <button type="button" className="button button-quiet" onClick={coach.stopCamera}>
            Stop camera
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void coach.startCamera()} disabled={coach.camera.kind === "starting"}>
            {coach.camera.kind === "starting" ? "Starting camera…" : "Start camera"}
          </button>
        )}
        <span className="hint">Frames never leave this device.</span>
      </div>
    </section>
  );
}
