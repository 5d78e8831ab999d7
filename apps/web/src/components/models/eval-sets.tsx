"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { useTRPC } from "../../trpc/react.tsx";
import { dec, pct, when } from "../training/format.ts";

type Version = { id: string; number: number; name: string };

/** Pinned evaluation sets: pin one, and each version's figures on each set. */
const classOrder = (c: string) => {
  const i = (EXPRESSION_CLASSES as readonly string[]).indexOf(c);
  return i < 0 ? EXPRESSION_CLASSES.length : i;
};

export function EvalSets({ versions }: { versions: Version[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Scores arrive from the evaluation worker in the background: poll while any is unfinished.
  const sets = useQuery({
    ...trpc.models.evalSets.queryOptions(),
    refetchOnMount: "always",
    refetchInterval: (q) => (q.state.data?.some((s) => s.scores.some((r) => r.status === "queued" || r.status === "running")) ? 3000 : false),
  });
  const sources = useQuery(trpc.models.pinSources.queryOptions());
  const [source, setSource] = useState("");
  const [split, setSplit] = useState("test");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const pin = useMutation(
    trpc.models.pinEvalSet.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.models.evalSets.queryKey() }),
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    const [kind, id] = source.split(":");
    // A name of spaces passes the field's "required" and did nothing, silently.
    if (!kind || !id) return setProblem("Choose the images to pin.");
    if (!name.trim()) return setProblem("Give the set a name.");
    setProblem(null);
    if (kind === "snapshot") pin.mutate({ source: "snapshot", name: name.trim(), snapshotId: id, split: split === "val" ? "val" : "test" });
    else pin.mutate({ source: "import", name: name.trim(), importRunId: id, ...(split === "all" ? {} : { split: split as "train" | "val" | "test" }) });
  }

  return (
    <section className="panel" aria-labelledby="eval-sets-heading">
      <h2 id="eval-sets-heading">Pinned evaluation sets</h2>
      <p className="hint">
        Every version is scored on the same fixed images, whatever snapshot it was trained on, so versions compare fairly. A pinned set never changes; images of
        classes a version does not output are left out and counted, never scored as wrong.
      </p>
      <form className="form-actions" onSubmit={submit} aria-label="Pin an evaluation set">
        <div className="field">
          <label htmlFor="pin-source">Images</label>
          <select id="pin-source" value={source} onChange={(e) => setSource(e.target.value)} required>
            <option value="">Choose…</option>
            {sources.data?.snapshots.map((s) => (
              <option key={s.id} value={`snapshot:${s.id}`}>
                Snapshot: {s.name}
              </option>
            ))}
            {sources.data?.imports.map((r) => (
              <option key={r.id} value={`import:${r.id}`}>
                Import: {r.root} ({r.imported} images)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pin-split">Split</label>
          <select id="pin-split" value={split} onChange={(e) => setSplit(e.target.value)}>
            <option value="test">test</option>
            <option value="val">val</option>
            {source.startsWith("import:") ? <option value="train">train</option> : null}
            {source.startsWith("import:") ? <option value="all">every image</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pin-name">Name</label>
          <input id="pin-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required placeholder="FER2013 PublicTest" />
        </div>
        <button type="submit" className="button" disabled={pin.isPending}>
          Pin set
        </button>
      </form>
      <p className="hint" role="status" aria-live="polite">
        {problem ? (
          <span className="inline-error">{problem}</span>
        ) : pin.error ? (
          <span className="inline-error">{pin.error.message}</span>
        ) : pin.data ? (
          `${pin.data.created ? "Pinned" : "Already pinned"}: “${pin.data.set.name}”, ${pin.data.set.imageCount} images (${pin.data.set.contentHash.slice(0, 12)}). ${pin.data.queued === 0 ? "Every version already has its scores." : `${pin.data.queued} version${pin.data.queued === 1 ? "" : "s"} queued for scoring; each one's figures appear below when it is done.`}`
        ) : (
          ""
        )}
      </p>
      {sets.isError ? <p className="notice notice-error">The sets could not be loaded: {sets.error.message}</p> : null}
      {sets.data?.length === 0 ? <p className="status">No set is pinned yet.</p> : null}
      {sets.data?.map((s) => (
        // The description sits above the scrolling table, not in it: as its caption it was as wide as the table, cut off on a phone.
        <figure className="eval-set" key={s.id}>
          <figcaption>
            <strong>{s.name}</strong>: {s.imageCount} images (
            {Object.entries(s.classCounts)
              // In the classes' own order, as every other list of classes on the page.
              .sort(([a], [b]) => classOrder(a) - classOrder(b))
              .map(([c, n]) => `${c} ${n}`)
              .join(", ")}
            ) · {s.contentHash.slice(0, 12)} · pinned {when(s.createdAt)}
          </figcaption>
          <div className="table-wrap">
            <table className="data-table" aria-label={`Scores on ${s.name}`}>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col" className="num">
                    Accuracy
                  </th>
                  <th scope="col" className="num">
                    Balanced acc.
                  </th>
                  <th scope="col" className="num">
                    Macro-F1
                  </th>
                  <th scope="col" className="num">
                    Top-2
                  </th>
                  <th scope="col" className="num">
                    ECE
                  </th>
                  <th scope="col">Left out</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => {
                  const r = s.scores.find((x) => x.versionId === v.id);
                  const m = r?.metrics;
                  const left = Object.entries(r?.excluded ?? {});
                  return (
                    <tr key={v.id}>
                      <th scope="row" className="cell-name">
                        v{v.number} {v.name}
                      </th>
                      {r?.status === "completed" && m ? (
                        <>
                          <td className="num">{pct(m.accuracy)}</td>
                          <td className="num">{pct(m.balancedAccuracy)}</td>
                          <td className="num">{pct(m.macroF1)}</td>
                          <td className="num">{pct(m.top2)}</td>
                          <td className="num">{dec(m.ece)}</td>
                          <td>{left.length ? left.map(([c, n]) => `${c} ${n}`).join(", ") + " (classes it does not output)" : "–"}</td>
                        </>
                      ) : (
                        <td colSpan={6}>
                          {r
                            ? r.status === "failed"
                              ? `Scoring failed: ${r.error}`
                              : r.status === "running"
                                ? "Being scored…"
                                : "Waiting for the evaluation worker…"
                            : "Not queued yet"}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </figure>
      ))}
    </section>
  );
}
