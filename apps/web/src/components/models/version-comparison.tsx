"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";
import { dec, pct } from "../training/format.ts";

const sign = (x: number) => (x > 0 ? "+" : x < 0 ? "−" : "±");
const signed = (x: number) => `${sign(x)}${Math.abs(x * 100).toFixed(1)} pt`;
const signedDec = (x: number) => `${sign(Math.round(x * 1000))}${Math.abs(x).toFixed(3)}`;
const pValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const images = (n: number) => `${n} ${n === 1 ? "image" : "images"}`;

/** Two versions on one pinned set: metrics side by side, per-class deltas, McNemar and what it means. */
export function VersionComparison({ setId, a, b, showFlips = true }: { setId: string; a: string; b: string; showFlips?: boolean }) {
  const trpc = useTRPC();
  const input = { setId, a, b };
  // A version still being scored answers with an error that goes away: ask again until it does.
  const cmp = useQuery({ ...trpc.models.compare.queryOptions(input), refetchInterval: (query) => (query.state.status === "error" ? 5000 : false) });
  const flips = useQuery({ ...trpc.models.flips.queryOptions(input), enabled: showFlips && cmp.isSuccess });
  if (cmp.isPending)
    return (
      <p className="status" role="status">
        Comparing…
      </p>
    );
  if (cmp.isError)
    return (
      <p className="notice" role="status">
        {cmp.error.message}
      </p>
    );
  const c = cmp.data;
  const A = `v${c.versions.a}`;
  const B = `v${c.versions.b}`;
  const rows = [
    ["Accuracy", c.a.accuracy, c.b.accuracy],
    ["Balanced accuracy", c.a.balancedAccuracy, c.b.balancedAccuracy],
    ["Macro-F1", c.a.macroF1, c.b.macroF1],
    ["Top-2", c.a.top2, c.b.top2],
  ] as const;
  const left = Object.entries(c.excluded);
  return (
    <div className="comparison" data-testid="comparison">
      {c.bSignificantlyWorse ? (
        <p className="notice notice-error" role="alert" data-testid="worse-warning">
          {B} is significantly worse than {A} on this set (McNemar p = {pValue(c.mcnemar.p)}).
        </p>
      ) : null}
      <p className="lede" data-testid="comparison-sentence">
        {c.sentence}
      </p>
      <p className="hint">
        {images(c.n)}. McNemar&apos;s exact test on the paired outcomes: {images(c.mcnemar.b01)} {A} got wrong and {B} right, {c.mcnemar.b10} the other way
        round, p = {pValue(c.mcnemar.p)}.
        {c.onlyA.length || c.onlyB.length
          ? ` Only the classes both versions output are scored (${c.classes.join(", ")}); left out: ${[...c.onlyA, ...c.onlyB].join(", ")}.`
          : ""}
        {left.length ? ` Images left out: ${left.map(([k, n]) => `${k} ${n}`).join(", ")}.` : ""}
      </p>
      <div className="table-wrap">
        <table className="data-table" aria-label="Metrics side by side">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                {A}
              </th>
              <th scope="col" className="num">
                {B}
              </th>
              <th scope="col" className="num">
                {B} − {A}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([k, x, y]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="num">{pct(x)}</td>
                <td className="num">{pct(y)}</td>
                <td className="num">{signed(y - x)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">ECE</th>
              <td className="num">{dec(c.a.ece)}</td>
              <td className="num">{dec(c.b.ece)}</td>
              <td className="num">{signedDec(c.b.ece - c.a.ece)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="data-table" aria-label="Per-class deltas">
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col" className="num">
                Recall {A}
              </th>
              <th scope="col" className="num">
                Recall {B}
              </th>
              <th scope="col" className="num">
                Δ recall
              </th>
              <th scope="col" className="num">
                Δ precision
              </th>
            </tr>
          </thead>
          <tbody>
            {c.classes.map((cls) => (
              <tr key={cls}>
                <th scope="row">{cls}</th>
                <td className="num">{pct(c.a.perClass[cls]?.recall)}</td>
                <td className="num">{pct(c.b.perClass[cls]?.recall)}</td>
                <td className="num">{signed(c.perClassDelta[cls]?.recall ?? 0)}</td>
                <td className="num">{signed(c.perClassDelta[cls]?.precision ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {showFlips && flips.data ? (
        <div className="flips">
          {(
            [
              ["toWrong", `Right under ${A}, wrong under ${B}`],
              ["toRight", `Wrong under ${A}, right under ${B}`],
            ] as const
          ).map(([key, title]) => (
            <section key={key} aria-label={title}>
              <h4>
                {title} ({flips.data[key].total}
                {flips.data[key].total > flips.data[key].images.length ? `, first ${flips.data[key].images.length} shown` : ""})
              </h4>
              <ul className="flip-grid" data-testid={`flips-${key}`}>
                {flips.data[key].images.map((f) => (
                  <li key={f.sha256}>
                    {f.imageId ? <img src={`/api/images/${f.imageId}/thumb`} alt={`labelled ${f.label}`} width={72} height={72} loading="lazy" /> : null}
                    <span className="hint">
                      {f.label}: {A} {f.predictedA}, {B} {f.predictedB}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      ) : null}
    </div>
  );
}
