"use client";

import type { Coach } from "./use-coach.ts";

/** Which model reads the face, where its card is, what runs it, and what Mien is for. */
export function ModelNote({ coach }: { coach: Coach }) {
  const status = coach.status;
  return (
    <footer className="coach-about" aria-label="About these readings">
      <p>
        <strong>For self-discovery, not for reading others.</strong> Mien shows how your own expression comes across, so you can practise. Do not use it to
        judge anyone else&apos;s face or feelings; a face is not a feeling, and models make mistakes.
      </p>
      {status.kind === "ready" ? (
        <p className="hint" data-testid="coach-model">
          Reading with <a href={status.model.cardUrl}>{status.model.name}</a>
          {status.model.version ? ` (version ${status.model.version})` : ""}, on this device with TF.js {status.backend}.{" "}
          <a href={status.model.cardUrl}>Read the model card</a> to see what it was trained on and how often it is right.
          {coach.snapshot && coach.snapshot.fps > 0 ? (
            <span data-testid="coach-perf">
              {" "}
              {Math.round(coach.snapshot.fps)} readings a second, {Math.round(coach.snapshot.latencyMs)} ms each.
            </span>
          ) : null}
        </p>
      ) : status.kind === "failed" ? (
        <p className="notice notice-error" role="alert">
          {status.message}
        </p>
      ) : (
        <p className="hint">Loading the models onto this device…</p>
      )}
    </footer>
  );
}
