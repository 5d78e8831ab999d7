"use client";

import { percent } from "../../coach/readout.ts";
import { EXPRESSION_COLOURS } from "./expression-colours.ts";
import type { Coach } from "./use-coach.ts";

/** The top three expressions as labelled meters, or "unclear" below the model's abstain threshold. */
export function ReadoutPanel({ coach }: { coach: Coach }) {
  const readout = coach.snapshot?.readout ?? null;
  const relative = coach.snapshot?.relative ?? false;
  const reading = coach.camera.kind === "live" && coach.snapshot?.faces === "one" && readout;

  return (
    <section className="panel coach-panel" aria-labelledby="readout-heading">
      <h2 id="readout-heading">What your face is saying</h2>
      {reading ? (
        <>
          <p className="coach-verdict" data-testid="coach-verdict" data-clear={readout.clear}>
            {readout.clear ? (
              <>
                Reads as <strong>{readout.top[0]!.expression}</strong>
              </>
            ) : (
              <>
                <strong>Unclear</strong>: no expression stands out enough to say.
              </>
            )}
          </p>
          <ol className="coach-meters" aria-label="Top three expressions" data-testid="coach-top">
            {readout.top.map((share) => (
              <li key={share.expression} data-expression={share.expression}>
                <span className="coach-meter-label">{share.expression}</span>
                <span className="coach-meter" aria-hidden="true">
                  <span style={{ width: percent(share.probability), background: EXPRESSION_COLOURS[share.expression] }} />
                </span>
                <span className="coach-meter-value">{percent(share.probability)}</span>
              </li>
            ))}
          </ol>
          <p className="hint">
            {relative
              ? "Relative to your resting face, and smoothed over the last few frames."
              : "Smoothed over the last few frames. The model's percentages are calibrated: across many faces, readings of 60% are right about six times in ten."}
          </p>
        </>
      ) : (
        <p className="status" data-testid="coach-verdict-idle">
          {coach.camera.kind === "live" ? "Waiting for one face in view…" : "Start the camera to see a reading."}
        </p>
      )}
    </section>
  );
}
