import type { PracticeSummary } from "@mien/api";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Streak, sessions and attempts of the last seven days, and when practice last happened. */
export function PracticeFigures({ summary }: { summary: PracticeSummary }) {
  return (
    <dl className="stats" data-testid="practice-figures">
      <div className="stat">
        <dt>Streak</dt>
        <dd data-testid="figure-streak">
          {summary.streakDays} day{summary.streakDays === 1 ? "" : "s"}
        </dd>
      </div>
      <div className="stat">
        <dt>Sessions, last 7 days</dt>
        <dd data-testid="figure-sessions">{summary.sessionsLast7Days}</dd>
      </div>
      <div className="stat">
        <dt>Attempts, last 7 days</dt>
        <dd data-testid="figure-attempts">{summary.attemptsLast7Days}</dd>
      </div>
      <div className="stat">
        <dt>Last practice</dt>
        <dd className="stat-text">{summary.lastPractisedAt ? dateFormat.format(summary.lastPractisedAt) : "Not yet"}</dd>
      </div>
    </dl>
  );
}
