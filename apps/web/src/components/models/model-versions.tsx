"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { dec, pct, when } from "../training/format.ts";
import { ConfusionMatrix } from "./confusion-matrix.tsx";
import { EvalSets } from "./eval-sets.tsx";
import { ModelCard } from "./model-card.tsx";
import { PromoteDialog } from "./promote-dialog.tsx";
import { ReliabilityDiagram } from "./reliability-diagram.tsx";
import { VersionComparison } from "./version-comparison.tsx";

/** Brings the details panel into view once React has drawn the version just chosen. */
const showDetails = () => requestAnimationFrame(() => document.getElementById("version-heading")?.scrollIntoView({ block: "start" }));

/** Every version with its metrics; promote one to `active`, roll back, and inspect one in depth. */
export function ModelVersions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Workers publish in the background: always ask again when the page opens.
  const list = useQuery({ ...trpc.models.list.queryOptions(), refetchOnMount: "always" });
  const [selected, setSelected] = useState<string | null>(null);
  // A link to one version (/admin/models?version=3, as a finished training job gives) opens that version's details.
  const linked = Number(useSearchParams().get("version")) || null;
  const [said, setSaid] = useState("");
  const [promoting, setPromoting] = useState<string | null>(null);
  const [rollingBack, setRollingBack] = useState(false);
  const [pair, setPair] = useState({ setId: "", a: "", b: "" });
  const sets = useQuery(trpc.models.evalSets.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
  const promote = useMutation(
    trpc.models.promote.mutationOptions({
      onSuccess: (r) => (
        setPromoting(null),
        setSaid(r.changed ? `Version ${r.toVersion.number} is now active.` : `Version ${r.toVersion.number} was already active.`),
        refresh()
      ),
    }),
  );
  const rollback = useMutation(
    trpc.models.rollback.mutationOptions({
      onSuccess: (r) => (setRollingBack(false), setSaid(`Rolled back: version ${r.toVersion.number} is active again.`), refresh()),
    }),
  );

  const linkedFound = linked !== null && list.data?.versions.some((v) => v.number === linked);
  useEffect(() => {
    if (linkedFound) showDetails();
  }, [linkedFound]);

  if (list.isPending)
    return (
      <p className="status" role="status">
        Loading versions…
      </p>
    );
  if (list.isError)
    return (
      <p className="notice notice-error" role="alert">
        The versions could not be loaded: {list.error.message}
      </p>
    );
  const { versions, activeVersionId, rollbackTo } = list.data;
  if (!versions.length) return <p className="status">No model versions yet. Train one on the Training page.</p>;
  const active = versions.find((v) => v.id === activeVersionId);
  const shown = versions.find((v) => v.id === selected) ?? versions.find((v) => v.number === linked) ?? active ?? versions[0]!;
  // A failed promote or roll back says so in its dialog; once that is closed, here.
  const error = promoting || rollingBack ? null : (promote.error ?? rollback.error);

  return (
    <>
      <div className="form-actions">
        <p className="lede" data-testid="active-version">
          {active ? `Active: version ${active.number} (${active.name})` : "No version is active: the coach has no model."}
        </p>
        {rollbackTo ? (
          <button type="button" className="button button-quiet" onClick={() => (rollback.reset(), setRollingBack(true))} disabled={rollback.isPending}>
            Roll back to version {rollbackTo.number}
          </button>
        ) : null}
      </div>
      <p className="hint" role="status" aria-live="polite">
        {error ? <span className="inline-error">{error.message}</span> : said}
      </p>
      <div className="table-wrap">
        <table className="data-table" aria-label="Model versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Val accuracy
              </th>
              <th scope="col" className="num">
                Val macro-F1
              </th>
              <th scope="col" className="num">
                Val ECE
              </th>
              <th scope="col" className="num">
                Test accuracy
              </th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} id={`v${v.number}`} aria-current={v.id === shown.id ? "true" : undefined}>
                <th scope="row">
                  v{v.number}
                  {v.id === activeVersionId ? <span className="status-badge status-completed">active</span> : null}
                </th>
                {/* A model's name has no spaces and may be long: it breaks anywhere rather than push the actions out. */}
                <td className="cell-name">{v.name}</td>
                <td className="num">{pct(v.metrics.val?.accuracy)}</td>
                <td className="num">{pct(v.metrics.val?.macroF1)}</td>
                <td className="num">{dec(v.metrics.val?.ece)}</td>
                <td className="num">{pct(v.metrics.test?.accuracy)}</td>
                <td className="wrap">{when(v.createdAt)}</td>
                <td className="actions">
                  <div>
                    <button type="button" className="button button-quiet" onClick={() => (setSelected(v.id), showDetails())} aria-pressed={v.id === shown.id}>
                      Details<span className="visually-hidden"> of version {v.number}</span>
                    </button>
                    {v.id !== activeVersionId ? (
                      <button type="button" className="button button-quiet" onClick={() => (promote.reset(), setPromoting(v.id))} disabled={promote.isPending}>
                        {/* One inline run: as direct children of the flex button, " to active" lost its leading space. */}
                        <span>
                          Promote<span className="visually-hidden"> version {v.number}</span> to active
                        </span>
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        Val figures are each version&apos;s own, on the val split of the snapshot it was trained on, so versions trained on different snapshots are not compared
        here: pin an evaluation set below to score every version on the same images.
      </p>

      {promoting ? (
        <PromoteDialog
          candidate={versions.find((v) => v.id === promoting)!}
          active={active ?? null}
          sets={(sets.data ?? []).map((s) => ({ id: s.id, name: s.name }))}
          pending={promote.isPending}
          error={promote.error?.message ?? null}
          onConfirm={() => promote.mutate({ versionId: promoting })}
          onClose={() => setPromoting(null)}
        />
      ) : null}
      {rollingBack && rollbackTo ? (
        <PromoteDialog
          rollback
          candidate={versions.find((v) => v.id === rollbackTo.id) ?? { ...rollbackTo, name: "" }}
          active={active ?? null}
          sets={(sets.data ?? []).map((s) => ({ id: s.id, name: s.name }))}
          pending={rollback.isPending}
          error={rollback.error?.message ?? null}
          onConfirm={() => rollback.mutate()}
          onClose={() => setRollingBack(false)}
        />
      ) : null}

      <EvalSets versions={versions} />

      {sets.data?.length ? (
        <section className="panel" aria-labelledby="compare-heading">
          <h2 id="compare-heading">Compare two versions</h2>
          <div className="form-actions">
            {(
              [
                ["setId", "Pinned set", sets.data.map((s) => [s.id, s.name])],
                ["a", "Version A", versions.map((v) => [v.id, `v${v.number} ${v.name}`])],
                ["b", "Version B", versions.map((v) => [v.id, `v${v.number} ${v.name}`])],
              ] as const
            ).map(([key, label, options]) => (
              <div className="field" key={key}>
                <label htmlFor={`compare-${key}`}>{label}</label>
                <select id={`compare-${key}`} value={pair[key]} onChange={(e) => setPair({ ...pair, [key]: e.target.value })}>
                  <option value="">Choose…</option>
                  {options.map(([id, text]) => (
                    <option key={id} value={id}>
                      {text}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </div>
          {pair.a && pair.a === pair.b ? (
            <p className="hint" role="status">
              Version A and version B are the same version: choose two different ones.
            </p>
          ) : pair.setId && pair.a && pair.b ? (
            <VersionComparison key={`${pair.setId}-${pair.a}-${pair.b}`} setId={pair.setId} a={pair.a} b={pair.b} />
          ) : null}
        </section>
      ) : null}

      <section className="panel version-detail" aria-labelledby="version-heading">
        <h2 id="version-heading">
          Version {shown.number}: {shown.name}
        </h2>
        <p className="hint">
          {shown.classes.length} classes · {shown.backbones.length ? `backbones ${shown.backbones.join(", ")}` : "no face backbone (CNNs on the face pixels)"} ·
          weights {shown.quantization} · temperature {dec(shown.calibration.temperature)} · says &quot;unclear&quot; below{" "}
          {dec(shown.calibration.abstainThreshold)} confidence · snapshot {shown.snapshot.contentHash.slice(0, 12)}
        </p>
        {Object.entries(shown.metrics).map(([split, m]) => (
          <div key={split} className="split-metrics">
            <h3>On {split}</h3>
            <dl className="stats">
              {[
                ["Accuracy", pct(m.accuracy)],
                ["Balanced accuracy", pct(m.balancedAccuracy)],
                ["Macro-F1", pct(m.macroF1)],
                ["Top-2", pct(m.top2)],
                ["ECE (after scaling)", dec(m.ece)],
                ["Confident share", pct(m.coverage)],
                ["Accuracy when confident", pct(m.accuracyWhenConfident)],
              ].map(([k, v]) => (
                <div className="stat" key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
            <div className="chart-grid chart-grid-matrix">
              <ConfusionMatrix classes={shown.classes} confusion={m.confusion} caption={`Confusion matrix on ${split} (${m.n} images)`} />
              {m.reliability ? <ReliabilityDiagram bins={m.reliability} ece={m.ece} title={`Reliability on ${split}`} /> : null}
            </div>
            <div className="table-wrap">
              <table className="data-table" aria-label={`Per-class metrics on ${split}`}>
                <thead>
                  <tr>
                    <th scope="col">Class</th>
                    <th scope="col" className="num">
                      Precision
                    </th>
                    <th scope="col" className="num">
                      Recall
                    </th>
                    <th scope="col" className="num">
                      F1
                    </th>
                    <th scope="col" className="num">
                      Images
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.classes.map((c) => {
                    const pc = m.perClass[c];
                    return (
                      <tr key={c}>
                        <th scope="row">{c}</th>
                        <td className="num">{pct(pc?.precision)}</td>
                        <td className="num">{pct(pc?.recall)}</td>
                        <td className="num">{pct(pc?.f1)}</td>
                        <td className="num">{pc?.support ?? 0}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        ))}
        <ModelCard contentHash={shown.contentHash} />
      </section>
    </>
  );
}
