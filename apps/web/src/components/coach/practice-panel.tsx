"use client";

import Link from "next/link";
import { useId, useRef, useState } from "react";

import type { ExpressionClass } from "@mien/model";

import { DEFAULT_PRACTICE, secondsLeft, summarise, type PracticeResult } from "../../coach/practice.ts";
import { percent } from "../../coach/readout.ts";
import { capitalise } from "../plans/plan-text.ts";
import { useRescueFocus } from "../use-rescue-focus.ts";
import { EXPRESSION_COLOURS } from "./expression-colours.ts";
import type { Coach } from "./use-coach.ts";

const HOLDS = [1000, 2000, 3000, 5000];

/** The "Start practice" button, where the picture's "Close" sends keyboard focus. */
export const PRACTICE_START_ID = "practice-start";

export interface SavedAttempt {
  result: PracticeResult;
  saved: "saving" | "saved" | "waiting" | "not-signed-in" | { error: string };
}

/** Prompts a target expression, shows a live meter and hold timer, then scores the attempt. */
export function PracticePanel({ coach, classes, attempts }: { coach: Coach; classes: readonly ExpressionClass[]; attempts: SavedAttempt[] }) {
  const [chosen, setChosen] = useState<ExpressionClass | null>(null);
  // Until the user picks, practise happiness (or the model's first class); the list arrives with the model.
  const target = chosen && classes.includes(chosen) ? chosen : classes.includes("happiness") ? "happiness" : classes[0];
  const [holdMs, setHoldMs] = useState(DEFAULT_PRACTICE.holdMs);
  const targetId = useId();
  const holdId = useId();
  const practice = coach.snapshot?.practice ?? null;
  const running = practice?.phase === "running";
  const canStart = coach.camera.kind === "live" && coach.status.kind === "ready" && !running && !coach.snapshot?.recording;
  const latest = attempts[0];
  // Start ↔ Cancel swap places: keyboard focus goes with them.
  const startRef = useRef<HTMLButtonElement | null>(null);
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  useRescueFocus(running ? cancelRef : startRef, running);

  return (
    <section className="panel coach-panel" aria-labelledby="practice-heading">
      <h2 id="practice-heading">Practice</h2>
      {running ? (
        <div className="coach-practice-live" data-testid="coach-practice-live">
          <p className="coach-prompt">
            Show <strong>{practice.settings.target}</strong> and hold it.
          </p>
          <div className="coach-meter-row">
            <span className="coach-meter-label">{practice.settings.target}</span>
            <span
              className="coach-meter coach-meter-large"
              role="meter"
              aria-label={`${practice.settings.target} now`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(practice.level * 100)}
            >
              <span style={{ width: percent(practice.level), background: EXPRESSION_COLOURS[practice.settings.target] }} />
              <span className="coach-meter-threshold" style={{ left: percent(practice.settings.threshold) }} title="Hold above this line" />
            </span>
            <span className="coach-meter-value">{percent(practice.level)}</span>
          </div>
          <label htmlFor="hold-progress">
            Held {(practice.heldMs / 1000).toFixed(1)} of {practice.settings.holdMs / 1000} s (above {percent(practice.settings.threshold)})
          </label>
          <progress id="hold-progress" max={practice.settings.holdMs} value={practice.heldMs} />
          <p className="hint">{secondsLeft(practice, practice.settings)} s left in this attempt.</p>
          <button type="button" className="button button-quiet" ref={cancelRef} onClick={coach.cancelPractice}>
            Cancel attempt
          </button>
        </div>
      ) : (
        <form
          className="coach-practice-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!target) return;
            coach.dismissPractice();
            coach.startPractice({ ...DEFAULT_PRACTICE, target, holdMs });
          }}
        >
          <div className="field">
            <label htmlFor={targetId}>Expression to practise</label>
            <select id={targetId} value={target ?? ""} onChange={(e) => setChosen(e.target.value as ExpressionClass)} disabled={!target}>
              {classes.map((c) => (
                <option key={c} value={c}>
                  {c.charAt(0).toUpperCase() + c.slice(1)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={holdId}>Hold for</label>
            <select id={holdId} value={holdMs} onChange={(e) => setHoldMs(Number(e.target.value))}>
              {HOLDS.map((ms) => (
                <option key={ms} value={ms}>
                  {ms / 1000} s
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button" id={PRACTICE_START_ID} ref={startRef} disabled={!canStart || !target}>
            Start practice
          </button>
        </form>
      )}
      {latest && !running ? <AttemptResult attempt={latest} /> : null}
      {attempts.length > 1 ? (
        <details className="coach-details">
          <summary>This session&apos;s attempts ({attempts.length})</summary>
          <ol className="coach-attempts">
            {attempts.map((a, i) => (
              <li key={attempts.length - i}>
                {a.result.target}: {a.result.score} {a.result.succeeded ? "(held)" : "(not held)"}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}

function AttemptResult({ attempt }: { attempt: SavedAttempt }) {
  const { result, saved } = attempt;
  return (
    <div className="coach-result" data-testid="coach-practice-result" data-succeeded={result.succeeded}>
      <p className="coach-score">
        <span className="coach-score-number" data-testid="coach-score">
          {result.score}
        </span>
        <span>
          {result.succeeded
            ? `Held ${result.target} for ${result.holdMs / 1000} s.`
            : `${capitalise(result.target)} was not held for ${result.holdMs / 1000} s this time.`}
        </span>
      </p>
      <p data-testid="coach-practice-summary">{summarise(result)}</p>
      <p className="hint" data-testid="coach-practice-saved">
        {saved === "saving" ? (
          "Saving your score…"
        ) : saved === "saved" ? (
          "Score saved to your progress (numbers only, no pictures)."
        ) : saved === "waiting" ? (
          "Score kept on this device; it is sent to your progress when Mien can be reached again."
        ) : saved === "not-signed-in" ? (
          <>
            <Link href="/sign-in?next=%2Fcoach">Sign in</Link> to keep your scores and see your progress.
          </>
        ) : (
          `Your score could not be saved: ${saved.error}`
        )}
      </p>
    </div>
  );
}
