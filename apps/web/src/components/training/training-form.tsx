"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { EXPRESSION_CLASSES } from "@mien/model/classes";
import { BALANCING, LR_SCHEDULES, RANDOM_AUGMENTATIONS, type TrainingConfig } from "@mien/jobs/training";
import { useTRPC } from "../../trpc/react.tsx";

type Draft = Omit<TrainingConfig, "snapshotId"> & { snapshotId: string };

const AUGMENTATION_TEXT: Record<(typeof RANDOM_AUGMENTATIONS)[number], { label: string; unit: string; max: number; step: number }> = {
  rotation: { label: "Rotation", unit: "degrees", max: 45, step: 1 },
  shift: { label: "Width and height shift", unit: "fraction", max: 0.5, step: 0.01 },
  shear: { label: "Shear", unit: "factor", max: 0.5, step: 0.01 },
  zoom: { label: "Zoom", unit: "fraction", max: 0.5, step: 0.01 },
  brightness: { label: "Brightness", unit: "fraction", max: 0.5, step: 0.01 },
};

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The admin's form for a training job: every config field, defaults from the shipped recipe. */
export function TrainingForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.training.options.queryOptions());
  const [draft, setDraft] = useState<Draft | null>(null);
  const start = useMutation(
    trpc.training.start.mutationOptions({
      onSuccess: ({ id }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
        router.push(`/admin/training/${id}`);
      },
    }),
  );

  if (options.isPending) return <p className="status" role="status">Loading snapshots and backbones…</p>;
  if (options.isError) return <p className="notice notice-error" role="alert">The training options could not be loaded: {options.error.message} Reload the page to try again.</p>;
  const { snapshots, backbones, defaults } = options.data;
  if (!snapshots.length) {
    return <p className="notice">No dataset snapshot exists yet. Freeze the curated set as a snapshot first; jobs always train on a snapshot, so what they learn from never changes.</p>;
  }
  const first = snapshots[0]!;
  const trainClasses = (s: (typeof snapshots)[number]) => EXPRESSION_CLASSES.filter((c) => (s.classCounts.train?.[c] ?? 0) > 0);
  const d: Draft = draft ?? { ...defaults, name: "expression-model", snapshotId: first.id, classes: trainClasses(first) };
  const snapshot = snapshots.find((s) => s.id === d.snapshotId) ?? first;
  const set = (patch: Partial<Draft>) => setDraft({ ...d, ...patch });
  const toggle = <T,>(list: readonly T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate({ config: { ...d, classes: EXPRESSION_CLASSES.filter((c) => d.classes.includes(c)) } });
  }

  return (
    <form className="panel training-form" aria-labelledby="new-job-heading" onSubmit={submit} noValidate>
      <h2 id="new-job-heading">New training job</h2>
      <div className="form-grid">
        <Field id="job-name" label="Model name" hint="Letters, digits, dots, dashes, underscores.">
          <input id="job-name" value={d.name} onChange={(e) => set({ name: e.target.value })} required aria-describedby="job-name-hint" />
        </Field>
        <Field id="job-snapshot" label="Dataset snapshot" hint="Pinned: the job trains on exactly these images.">
          <select
            id="job-snapshot"
            value={d.snapshotId}
            aria-describedby="job-snapshot-hint"
            onChange={(e) => {
              const s = snapshots.find((x) => x.id === e.target.value)!;
              set({ snapshotId: s.id, classes: trainClasses(s) });
            }}
          >
            {snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {s.imageCount} images · {s.contentHash.slice(0, 8)}
              </option>
            ))}
          </select>
        </Field>
      </div>

      <fieldset className="fieldset">
        <legend>Classes</legend>
        <div className="check-row">
          {EXPRESSION_CLASSES.map((c) => {
            const n = snapshot.classCounts.train?.[c] ?? 0;
            return (
              <label key={c} className="check">
                <input type="checkbox" checked={d.classes.includes(c)} disabled={!n} onChange={(e) => set({ classes: toggle(d.classes, c, e.target.checked) })} />
                {c} <span className="hint">({n} train)</span>
              </label>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Backbones (frozen, concatenated)</legend>
        <div className="check-list">
          {backbones.map((b) => (
            <label key={b.id} className="check check-block">
              <input type="checkbox" checked={d.backbones.includes(b.id)} onChange={(e) => set({ backbones: toggle(d.backbones, b.id, e.target.checked) })} aria-describedby={`bb-${b.id}`} />
              <span>
                <strong>{b.id}</strong>
                <span className="hint" id={`bb-${b.id}`}>
                  {" "}
                  {b.provenance}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Augmentations</legend>
        <label className="check">
          <input type="checkbox" checked={d.augmentations.flip} onChange={(e) => set({ augmentations: { ...d.augmentations, flip: e.target.checked } })} />
          Mirrored copy of every training image
        </label>
        <div className="form-grid">
          {RANDOM_AUGMENTATIONS.map((a) => {
            const t = AUGMENTATION_TEXT[a];
            const value = d.augmentations[a];
            return (
              <div key={a} className="aug-row">
                <label className="check">
                  <input type="checkbox" checked={value.enabled} onChange={(e) => set({ augmentations: { ...d.augmentations, [a]: { ...value, enabled: e.target.checked }, copies: e.target.checked && !d.augmentations.copies ? 1 : d.augmentations.copies } })} />
                  {t.label}
                </label>
                <label className="visually-hidden" htmlFor={`aug-${a}`}>
                  {t.label} strength ({t.unit})
                </label>
                <input id={`aug-${a}`} type="number" min={0} max={t.max} step={t.step} value={value.amount} disabled={!value.enabled} onChange={(e) => set({ augmentations: { ...d.augmentations, [a]: { ...value, amount: Number(e.target.value) } } })} />
                <span className="hint">± {t.unit}</span>
              </div>
            );
          })}
        </div>
        <Field id="aug-copies" label="Augmented copies per image" hint="Each copy is embedded once and cached; 0 turns random augmentation off.">
          <input id="aug-copies" type="number" min={0} max={8} value={d.augmentations.copies} onChange={(e) => set({ augmentations: { ...d.augmentations, copies: Number(e.target.value) } })} aria-describedby="aug-copies-hint" />
        </Field>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Head and schedule</legend>
        <div className="form-grid">
          <Field id="head-hidden" label="Hidden layers" hint='Widths, e.g. "512" or "512,256"; empty for logistic regression.'>
            <input id="head-hidden" value={d.head.hidden.join(",")} onChange={(e) => set({ head: { ...d.head, hidden: e.target.value.split(",").map((s) => s.trim()).filter(Boolean).map(Number) } })} aria-describedby="head-hidden-hint" />
          </Field>
          <Field id="head-dropout" label="Dropout">
            <input id="head-dropout" type="number" min={0} max={0.9} step={0.05} value={d.head.dropout} onChange={(e) => set({ head: { ...d.head, dropout: Number(e.target.value) } })} />
          </Field>
          <Field id="balancing" label="Class balancing">
            <select id="balancing" value={d.balancing} onChange={(e) => set({ balancing: e.target.value as Draft["balancing"] })}>
              {BALANCING.map((b) => (
                <option key={b} value={b}>
                  {b === "none" ? "None" : b === "class-weights" ? "Loss weights" : "Resample to equal counts"}
                </option>
              ))}
            </select>
          </Field>
          <Field id="epochs" label="Epochs">
            <input id="epochs" type="number" min={1} max={500} value={d.epochs} onChange={(e) => set({ epochs: Number(e.target.value) })} />
          </Field>
          <Field id="batch-size" label="Batch size">
            <input id="batch-size" type="number" min={8} max={4096} value={d.batchSize} onChange={(e) => set({ batchSize: Number(e.target.value) })} />
          </Field>
          <Field id="lr" label="Learning rate">
            <input id="lr" type="number" min={0} max={1} step="any" value={d.learningRate.initial} onChange={(e) => set({ learningRate: { ...d.learningRate, initial: Number(e.target.value) } })} />
          </Field>
          <Field id="lr-schedule" label="Learning-rate schedule">
            <select id="lr-schedule" value={d.learningRate.schedule} onChange={(e) => set({ learningRate: { ...d.learningRate, schedule: e.target.value as Draft["learningRate"]["schedule"] } })}>
              {LR_SCHEDULES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field id="seed" label="Seed">
            <input id="seed" type="number" min={0} value={d.seed} onChange={(e) => set({ seed: Number(e.target.value) })} />
          </Field>
          <Field id="tta" label="Test-time augmentation">
            <select id="tta" value={d.tta} onChange={(e) => set({ tta: e.target.value as Draft["tta"] })}>
              <option value="flip">Average with the mirrored face</option>
              <option value="none">None</option>
            </select>
          </Field>
          <Field id="quantization" label="Weight quantisation">
            <select id="quantization" value={d.quantization} onChange={(e) => set({ quantization: e.target.value as Draft["quantization"] })}>
              <option value="float16">float16</option>
              <option value="uint8">uint8</option>
            </select>
          </Field>
        </div>
        <div className="check-row">
          <label className="check">
            <input type="checkbox" checked={d.earlyStopping.enabled} onChange={(e) => set({ earlyStopping: { ...d.earlyStopping, enabled: e.target.checked } })} />
            Early stopping on val loss
          </label>
          <label className="check">
            Patience
            <input type="number" className="input-narrow" min={1} max={100} value={d.earlyStopping.patience} disabled={!d.earlyStopping.enabled} onChange={(e) => set({ earlyStopping: { ...d.earlyStopping, patience: Number(e.target.value) } })} aria-label="Patience in epochs" />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={d.fineTune} onChange={(e) => set({ fineTune: e.target.checked })} aria-describedby="fine-tune-hint" />
          Fine-tune the backbones&apos; conv layers
        </label>
        <p className="hint" id="fine-tune-hint">
          Runs only on a worker where @tensorflow/tfjs-node or tfjs-node-gpu loads. Workers on wasm or cpu (no native TensorFlow) cannot back-propagate through convolutions and refuse the job with an error.
        </p>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button" disabled={start.isPending}>
          {start.isPending ? "Starting…" : "Start training"}
        </button>
        <p className="hint" role="status" aria-live="polite">
          {start.isError ? <span className="inline-error">Not started: {start.error.message}</span> : null}
        </p>
      </div>
    </form>
  );
}
