"use client";

import Link from "next/link";

import type { PracticePlanView, PracticeSummary } from "@mien/api";
import type { ExpressionClass } from "@mien/model";

import { DEFAULT_PRACTICE } from "../../coach/practice.ts";
import { capitalise, describePlan } from "../plans/plan-text.ts";
import type { SavedAttempt } from "./practice-panel.tsx";
import type { Coach } from "./use-coach.ts";

/**
 * Today's plan on the coach: each target with whether it was held today (from the server's
 * summary, plus this visit's attempts, so it also works offline) and a button to practise it.
 */
export function TodaysPlan({
  plan,
  summary,
  attempts,
  coach,
  classes,
}: {
  plan: PracticePlanView;
  summary: PracticeSummary | undefined;
  attempts: SavedAttempt[];
  coach: Coach;
  classes: readonly ExpressionClass[];
}) {
  const running = coach.snapshot?.practice?.phase === "running";
  const canStart = coach.camera.kind === "live" && coach.status.kind === "ready" && !running && !coach.snapshot?.recording;
  const heldNow = (target: ExpressionClass) => attempts.some((a) => a.result.target === target && a.result.succeeded && a.result.holdMs >= plan.holdMs);
  const sessions = summary ? summary.sessionsLast7Days : null;
  // Before the model has loaded its classes are unknown, and every target counts as readable.
  const unreadable = classes.length ? plan.targets.filter((t) => !classes.includes(t)) : [];

  return (
    <section className="panel coach-panel" aria-labelledby="todays-plan-heading" data-testid="todays-plan">
      <h2 id="todays-plan-heading">Today&apos;s plan</h2>
      <p className="hint">{describePlan(plan)}</p>
      <ul className="plan-targets">
        {plan.targets.map((target) => {
          const held = heldNow(target) || Boolean(summary?.plan?.targets.find((t) => t.expression === target)?.heldToday);
          const readable = !unreadable.includes(target);
          return (
            <li key={target} className="plan-target-row" data-testid={`today-${target}`} data-held-today={held}>
              <span className={held ? "plan-mark plan-mark-done" : "plan-mark"} aria-hidden="true">
                {held ? "✓" : "○"}
              </span>
              <span className="plan-target-name">
                {capitalise(target)} <span className="visually-hidden">{held ? "(held today)" : "(not held yet today)"}</span>
              </span>
              <button
                type="button"
                className="button button-quiet"
                disabled={!canStart || !readable}
                title={readable ? undefined : "The model running now cannot read this expression."}
                aria-describedby={readable ? undefined : "plan-unreadable"}
                onClick={() => {
                  coach.dismissPractice();
                  coach.startPractice({ ...DEFAULT_PRACTICE, target, holdMs: plan.holdMs });
                }}
              >
                Practise<span className="visually-hidden"> {target}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {unreadable.length ? (
        <p className="hint" id="plan-unreadable" data-testid="plan-unreadable">
          {unreadable.map(capitalise).join(" and ")}: the model running now cannot read {unreadable.length === 1 ? "this expression" : "these expressions"} yet,
          so
          {unreadable.length === 1 ? " it waits" : " they wait"} until Mien runs one that does.
          {unreadable.length < plan.targets.length ? " Practise the others meanwhile." : ""}
        </p>
      ) : null}
      {sessions !== null ? (
        <p className="hint">
          {sessions} of {plan.sessionsPerWeek} sessions in the last 7 days. <Link href="/coach/progress">How the plan is going</Link>
        </p>
      ) : null}
      {coach.camera.kind !== "live" ? <p className="hint">Start the camera to practise.</p> : null}
    </section>
  );
}
