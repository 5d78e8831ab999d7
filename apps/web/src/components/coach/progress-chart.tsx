import type { ReadAsEntry } from "@mien/api";
import type { ExpressionClass } from "@mien/model";

import { EXPRESSION_COLOURS } from "./expression-colours.ts";

/** What the chart draws: the learner's own progress (with read-as shares) or a mentor's view of it (scores only). */
export interface ChartProgress {
  expression: ExpressionClass;
  attempts: Array<{ id: string; at: Date; score: number; succeeded: boolean; readAs?: ReadAsEntry[] }>;
  best: number;
  latest: number;
  trend: number | null;
}

const W = 320;
const H = 140;
const PAD = { left: 30, right: 10, top: 10, bottom: 22 };
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/**
 * One expression's scores, oldest to newest: filled dots were held, hollow ones were not (shape,
 * not only colour). The figure's caption and table say the same in words.
 */
export function ProgressChart({ progress, whose = "your" }: { progress: ChartProgress; whose?: string }) {
  const { expression, attempts, best, latest, trend } = progress;
  const withReadAs = attempts.some((a) => a.readAs);
  const n = attempts.length;
  const x = (i: number) => PAD.left + (n === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (score: number) => PAD.top + ((100 - score) * (H - PAD.top - PAD.bottom)) / 100;
  const colour = EXPRESSION_COLOURS[expression];
  const summary = `${expression}: ${n} attempt${n === 1 ? "" : "s"}, best ${best}, latest ${latest}${trend === null ? "" : trend > 0 ? `, up ${trend} from ${whose} first attempts` : trend < 0 ? `, down ${-trend} from ${whose} first attempts` : `, level with ${whose} first attempts`}.`;

  return (
    <figure className="progress-chart" data-testid={`progress-${expression}`}>
      <figcaption>
        <strong className="progress-name">{expression}</strong> <span className="hint">{summary.slice(expression.length + 2)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Chart of ${summary}`}>
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line className="progress-grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="progress-axis" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <text className="progress-axis" x={PAD.left} y={H - 6}>
          {n > 1 ? "oldest" : ""}
        </text>
        <text className="progress-axis" x={W - PAD.right} y={H - 6} textAnchor="end">
          latest
        </text>
        {n > 1 ? <polyline fill="none" stroke={colour} strokeWidth={2} points={attempts.map((a, i) => `${x(i)},${y(a.score)}`).join(" ")} /> : null}
        {attempts.map((a, i) => (
          <circle
            key={a.id}
            cx={x(i)}
            cy={y(a.score)}
            r={4.5}
            stroke={colour}
            strokeWidth={2}
            fill={a.succeeded ? colour : "var(--surface)"}
            data-score={a.score}
          >
            <title>{`${dateFormat.format(a.at)}: ${a.score}${a.succeeded ? ", held" : ", not held"}`}</title>
          </circle>
        ))}
      </svg>
      <details className="coach-details">
        <summary>Show as a table</summary>
        <div className="table-wrap">
          <table className="data-table progress-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" className="num">
                  Score
                </th>
                <th scope="col">Held</th>
                {withReadAs ? <th scope="col">Read as</th> : null}
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.id}>
                  <td className="wrap">{dateFormat.format(a.at)}</td>
                  <td className="num">{a.score}</td>
                  <td>{a.succeeded ? "yes" : "no"}</td>
                  {withReadAs ? <td>{(a.readAs ?? []).map((r) => `${r.expression} ${Math.round(r.probability * 100)}%`).join(", ")}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
