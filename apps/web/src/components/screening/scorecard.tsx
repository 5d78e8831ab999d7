"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";

const SIGNAL_TEXT: Record<string, string> = {
  text: "Text over the face",
  duplicate: "Near-duplicates (pairs)",
  blur: "Blurry (unclear)",
  no_face: "No face",
  several_faces: "Several faces (unclear)",
};
const percent = (v: number) => `${(100 * v).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`;

/** The planted-case benchmark shipped with this version: how much of each problem a flag finds, and how often it fires on plain photos. */
export function Scorecard() {
  const trpc = useTRPC();
  const card = useQuery(trpc.screening.scorecard.queryOptions());
  if (card.isPending) return null;
  if (card.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The screening scorecard could not be loaded: {card.error.message}
      </p>
    );
  }
  const c = card.data;
  return (
    <section className="panel" aria-labelledby="scorecard-heading">
      <h2 id="scorecard-heading">How far the flags can be trusted</h2>
      <p className="hint">
        Measured by <code>pnpm bench:signals</code> on {c.images} real photos with planted problems ({c.measuredAt}, version {c.commit}): found is the share of
        planted cases flagged, false flags the share of {c.signals.text?.plainPhotos ?? "the"} plain photos flagged.
      </p>
      <div className="table-wrap">
        <table className="data-table" data-testid="screening-scorecard">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col" className="num">
                Found
              </th>
              <th scope="col">By condition</th>
              <th scope="col" className="num">
                False flags
              </th>
              <th scope="col" className="num">
                Images/s
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(c.signals).map(([name, s]) => (
              <tr key={name}>
                <th scope="row">{SIGNAL_TEXT[name] ?? name}</th>
                <td className="num">{percent(s.recall)}</td>
                <td className="cell-wrap">
                  {Object.entries(s.conditions)
                    .map(([condition, v]) => `${condition} ${percent(v.recall)}`)
                    .join(" · ")}
                </td>
                <td className="num">{percent(s.falseFlagRate)}</td>
                <td className="num">{s.imagesPerSecond ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
