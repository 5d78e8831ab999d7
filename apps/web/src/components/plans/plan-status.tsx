import type { PracticePlanView, PracticeSummary } from "@mien/api";

import { capitalise, describePlan, planAuthor } from "./plan-text.ts";
import { useReadableClasses } from "./use-readable-classes.ts";

/**
 * How a plan is going: sessions over the last seven days against the goal, and for each target
 * whether it was held today and the best score this week. Words, not only ticks and colour.
 */
export function PlanStatus({
  plan,
  summary,
  viewerId,
  subject,
}: {
  plan: PracticePlanView;
  summary: PracticeSummary | undefined;
  viewerId: string;
  subject: "you" | string;
}) {
  const goal = plan.sessionsPerWeek;
  const readable = useReadableClasses();
  const done = summary?.sessionsLast7Days;
  return (
    <div className="plan-status" data-testid="plan-status">
      <p className="plan-line" data-testid="plan-description">
        {describePlan(plan)}
      </p>
      <p className="hint">{planAuthor(plan, viewerId)}</p>
      {summary ? (
        <>
          <p className="plan-sessions" data-testid="plan-sessions">
            <strong>
              {done} of {goal}
            </strong>{" "}
            sessions in the last 7 days{done !== undefined && done >= goal ? ": goal reached." : "."}
          </p>
          <progress className="plan-progress" max={goal} value={Math.min(done ?? 0, goal)} aria-label={`Sessions this week: ${done} of ${goal}`} />
          <ul className="plan-targets">
            {summary.plan?.targets.map((t) => (
              <li key={t.expression} data-testid={`plan-target-${t.expression}`} data-held-today={t.heldToday}>
                <span className={t.heldToday ? "plan-mark plan-mark-done" : "plan-mark"} aria-hidden="true">
                  {t.heldToday ? "✓" : "○"}
                </span>
                <strong>{capitalise(t.expression)}</strong>:{" "}
                {readable && !readable.includes(t.expression) && !t.heldToday && t.attemptsToday === 0
                  ? "waits until Mien runs a model that can read it (the one running now cannot)."
                  : t.heldToday
                    ? `held today${subject === "you" ? "" : ` by ${subject}`}.`
                    : t.attemptsToday > 0
                      ? `tried ${t.attemptsToday} time${t.attemptsToday === 1 ? "" : "s"} today, not yet held for ${plan.holdMs / 1000} s.`
                      : "not practised today."}{" "}
                <span className="hint">{t.bestLast7Days === null ? "No score this week." : `Best this week ${t.bestLast7Days}.`}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="hint">Loading how the plan is going…</p>
      )}
    </div>
  );
}
