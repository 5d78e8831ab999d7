"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

import { useTRPC } from "../../trpc/react.tsx";
import { describePlan } from "../plans/plan-text.ts";
import { browserTimeZone } from "../plans/time-zone.ts";

/** Everyone who shares their practice with you: plan next to results, one card each. */
export function LearnerList() {
  const trpc = useTRPC();
  const learners = useQuery(trpc.mentoring.learners.queryOptions({ timeZone: browserTimeZone() }));

  if (learners.error) {
    return (
      <p className="notice notice-error" role="alert">
        Could not load the people you mentor: {learners.error.message}
      </p>
    );
  }
  if (!learners.data) return <p className="status">Loading the people you mentor…</p>;
  if (learners.data.length === 0) {
    return (
      <p className="panel" data-testid="learners-none">
        Nobody shares their practice with you yet. When someone sends you an invitation, open its link or type its code below.
      </p>
    );
  }
  return (
    <ul className="learner-list" data-testid="learner-list">
      {learners.data.map(({ learner, plan, summary, expressions }) => (
        <li key={learner.id} className="panel learner-card" data-testid={`learner-${learner.email}`}>
          <h2>
            <Link href={`/mentor/${encodeURIComponent(learner.id)}`}>{learner.name}</Link> <span className="hint">{learner.email}</span>
          </h2>
          <div className="learner-columns">
            <div>
              <h3>Plan</h3>
              <p data-testid="learner-plan">{plan ? describePlan(plan) : "No plan yet."}</p>
              {plan ? (
                <p className="hint">
                  {summary.sessionsLast7Days} of {plan.sessionsPerWeek} sessions in the last 7 days; streak {summary.streakDays} day
                  {summary.streakDays === 1 ? "" : "s"}.
                </p>
              ) : (
                <p className="hint">
                  {summary.sessionsLast7Days} session{summary.sessionsLast7Days === 1 ? "" : "s"} in the last 7 days; streak {summary.streakDays} day
                  {summary.streakDays === 1 ? "" : "s"}.
                </p>
              )}
            </div>
            <div>
              <h3>Results</h3>
              {expressions.length === 0 ? (
                <p>No practice yet.</p>
              ) : (
                <div className="table-wrap">
                  <table className="data-table" data-testid="learner-results">
                    <caption className="visually-hidden">Scores of {learner.name} per expression</caption>
                    <thead>
                      <tr>
                        <th scope="col">Expression</th>
                        <th scope="col" className="num">
                          Attempts
                        </th>
                        <th scope="col" className="num">
                          Best
                        </th>
                        <th scope="col" className="num">
                          Latest
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {expressions.map((e) => (
                        <tr key={e.expression}>
                          <th scope="row" className="progress-name">
                            {e.expression}
                          </th>
                          <td className="num">{e.count}</td>
                          <td className="num">{e.best}</td>
                          <td className="num">{e.latest}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
