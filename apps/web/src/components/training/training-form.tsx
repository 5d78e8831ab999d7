"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createContext, Fragment, useContext, useState, type FormEvent, type ReactNode } from "react";

import {
  BALANCING,
  configProblems,
  CONV_MODE_DEFAULTS,
  convConfig,
  estimateTrainingSeconds,
  LR_SCHEDULES,
  RANDOM_AUGMENTATIONS,
  TRAINING_MODES,
  trainingConfig,
  unrunnableReason,
  type TrainingConfig,
  type TrainingMode,
} from "@mien/jobs/training";
import {
  CNN_ARCHITECTURE_IDS,
  CNN_ARCHITECTURES,
  FINETUNE_BACKBONE_IDS,
  FINETUNE_BACKBONES,
  PROGRESSIVE_MIN_SIDE,
  SCRATCH_INPUT_SIZE,
  sideCost,
} from "@mien/model/architectures";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { useTRPC } from "../../trpc/react.tsx";
import { roughly } from "./format.ts";

type Draft = Omit<TrainingConfig, "snapshotId"> & { snapshotId: string };

const MODE_TEXT: Record<TrainingMode, { label: string; hint: string }> = {
  head: {
    label: "Head on frozen backbones",
    hint: "Embeds each image once with pretrained face networks (cached for later jobs) and trains a small dense head. Quickest; curation changes little.",
  },
  finetune: { label: "Fine-tune a face backbone", hint: "The top blocks of a pretrained face network learn too; the frozen blocks below run once per image." },
  scratch: {
    label: "CNN from scratch",
    hint: "A compact convolutional network learns from the face pixels with fresh augmentation every epoch. Slowest; learns most from curation.",
  },
};

const AUGMENTATION_TEXT: Record<(typeof RANDOM_AUGMENTATIONS)[number], { label: string; unit: string; max: number; step: number }> = {
  rotation: { label: "Rotation", unit: "degrees", max: 45, step: 1 },
  shift: { label: "Width and height shift", unit: "fraction", max: 0.5, step: 0.01 },
  shear: { label: "Shear", unit: "factor", max: 0.5, step: 0.01 },
  zoom: { label: "Zoom", unit: "fraction", max: 0.5, step: 0.01 },
  brightness: { label: "Brightness", unit: "fraction", max: 0.5, step: 0.01 },
};

/** Each config path's input in the form (problems on other paths are listed under the form only). */
const FIELD_IDS: Record<string, string> = {
  name: "job-name",
  classes: "classes",
  epochs: "epochs",
  batchSize: "batch-size",
  seed: "seed",
  "learningRate.initial": "lr",
  "head.hidden": "head-hidden",
  "head.dropout": "head-dropout",
  "augmentations.copies": "aug-copies",
  "earlyStopping.patience": "patience",
  "conv.trainableBlocks": "conv-blocks",
  "conv.dropout": "conv-dropout",
  "conv.weightDecay": "conv-wd",
  "conv.labelSmoothing": "conv-smoothing",
  "conv.averaging": "conv-averaging",
  "conv.erase": "conv-erase",
  "conv.contrast": "conv-contrast",
  "conv.distill.weight": "conv-distill-weight",
  "conv.cohort.members": "conv-cohort",
  "conv.cohort.weight": "conv-mutual-weight",
  "conv.cohort.burnIn": "conv-burn-in",
  "conv.cohort.dropRate": "conv-drop-rate",
  "conv.progressive.startSide": "conv-resize-from",
  "conv.progressive.epochs": "conv-resize-epochs",
};

const fieldId = (path: readonly PropertyKey[]) => {
  const key = path.filter((p) => typeof p === "string").join(".");
  return FIELD_IDS[key] ?? (path[0] === "augmentations" && path.at(-1) === "amount" ? `aug-${String(path[1])}` : undefined);
};

/** Problems with the draft by input id, once the admin has tried to start it. */
const Problems = createContext<ReadonlyMap<string, string>>(new Map());

/** An input's aria attributes when it has a problem: marked invalid, and described by its message. */
function invalidProps(problems: ReadonlyMap<string, string>, id: string, hint?: string) {
  const problem = problems.get(id);
  const describedBy = [problem ? `${id}-error` : null, hint].filter(Boolean).join(" ") || undefined;
  return { "aria-invalid": problem ? true : undefined, "aria-describedby": describedBy };
}

/** A number box's value: an emptied box is NaN (the form says it needs a number), not 0. */
const numberFrom = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));
const shown = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "" : value);

/** The message of a field with a problem, under it; its input names it in aria-describedby (invalidProps). */
function FieldError({ id }: { id: string }) {
  const problem = useContext(Problems).get(id);
  return problem ? (
    <p className="inline-error" id={`${id}-error`}>
      {problem}
    </p>
  ) : null;
}

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldError id={id} />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled number input; its hint, when given, describes it. */
function NumberField({
  id,
  label,
  hint,
  value,
  onChange,
  ...limits
}: {
  id: string;
  label: string;
  hint?: string;
  value: number;
  onChange(value: number): void;
  min?: number;
  max?: number;
  step?: number | "any";
}) {
  const invalid = invalidProps(useContext(Problems), id, hint ? `${id}-hint` : undefined);
  return (
    <Field id={id} label={label} hint={hint}>
      <input id={id} type="number" {...limits} value={shown(value)} {...invalid} onChange={(e) => onChange(numberFrom(e.target.value))} />
    </Field>
  );
}

/** The head mode's schedule fields from the shipped defaults. */
function pickHead(defaults: Omit<Draft, "name" | "snapshotId">) {
  const { epochs, batchSize, learningRate, earlyStopping } = defaults;
  return { epochs, batchSize, learningRate, earlyStopping };
}

/** The admin's form for a training job: every config field, defaults from the shipped recipe. */
export function TrainingForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.training.options.queryOptions());
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tried, setTried] = useState(false);
  const start = useMutation(
    trpc.training.start.mutationOptions({
      onSuccess: ({ id }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
        router.push(`/admin/training/${id}`);
      },
    }),
  );

  if (options.isPending)
    return (
      <p className="status" role="status">
        Loading snapshots and backbones…
      </p>
    );
  if (options.isError)
    return (
      <p className="notice notice-error" role="alert">
        The training options could not be loaded: {options.error.message} Reload the page to try again.
      </p>
    );
  const { snapshots, backbones, defaults, teachers } = options.data;
  if (!snapshots.length) {
    return (
      <div className="notice" data-testid="training-no-snapshot">
        <p>
          No dataset snapshot exists yet. Freeze the curated set as a snapshot first; jobs always train on a snapshot, so what they learn from never changes.
        </p>
        <p>
          <Link className="button" href="/snapshots">
            Freeze a snapshot
          </Link>
        </p>
      </div>
    );
  }
  const first = snapshots[0]!;
  const trainClasses = (s: (typeof snapshots)[number]) => EXPRESSION_CLASSES.filter((c) => (s.classCounts.train?.[c] ?? 0) > 0);
  const d: Draft = draft ?? { ...defaults, name: "expression-model", snapshotId: first.id, classes: trainClasses(first) };
  const snapshot = snapshots.find((s) => s.id === d.snapshotId) ?? first;
  const set = (patch: Partial<Draft>) => setDraft({ ...d, ...patch });
  const trainCount = d.classes.reduce((n, c) => n + (snapshot.classCounts.train?.[c] ?? 0), 0);
  const otherCount = d.classes.reduce((n, c) => n + (snapshot.classCounts.val?.[c] ?? 0) + (snapshot.classCounts.test?.[c] ?? 0), 0);
  // Conv modes train with SGD and fresh augmentation: switching mode swaps in that mode's schedule.
  const switchMode = (mode: TrainingMode) =>
    set({
      mode,
      ...(mode === "head" ? pickHead(defaults) : CONV_MODE_DEFAULTS[mode]),
      augmentations: { ...d.augmentations, copies: mode === "head" ? d.augmentations.copies : 0 },
      colour: mode === "scratch" ? "gray" : d.colour,
      // Only scratch CNNs learn from a teacher or from each other, or start on smaller faces; only conv modes average their weights.
      conv:
        mode === "scratch"
          ? d.conv
          : { ...d.conv, distill: undefined, cohort: undefined, progressive: undefined, ...(mode === "head" ? { averaging: undefined } : {}) },
    });
  const toggle = <T,>(list: readonly T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  const config = { ...d, classes: EXPRESSION_CLASSES.filter((c) => d.classes.includes(c)) };
  // After a refused start, the draft is checked on every change, so a mark goes as soon as its field is fixed.
  const checked = trainingConfig.safeParse(config);
  const issues = tried ? (checked.error?.issues ?? []) : [];
  const problems = new Map<string, string>();
  for (const issue of issues) {
    const id = fieldId(issue.path);
    if (id && !problems.has(id)) problems.set(id, configProblems([issue])[0]!);
  }
  const invalid = (id: string, hint?: string) => invalidProps(problems, id, hint);
  // A config every field accepts can still be one no trainer runs (a burn-in as long as the run); the server says the same.
  const unrunnable = tried && checked.success ? unrunnableReason(checked.data) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (!checked.success) {
      const first = checked.error.issues.map((i) => fieldId(i.path)).find(Boolean);
      if (first) document.getElementById(first)?.focus();
      return;
    }
    if (unrunnableReason(checked.data)) return;
    start.mutate({ config });
  }

  return (
    <Problems.Provider value={problems}>
      <form className="panel training-form" aria-labelledby="new-job-heading" onSubmit={submit} noValidate>
        <h2 id="new-job-heading">New training job</h2>
        <div className="form-grid">
          <Field id="job-name" label="Model name" hint="Letters, digits, dots, dashes, underscores.">
            <input id="job-name" value={d.name} onChange={(e) => set({ name: e.target.value })} required {...invalid("job-name", "job-name-hint")} />
          </Field>
          <Field id="job-snapshot" label="Dataset snapshot" hint={`Pinned: the job trains on exactly the ${snapshot.imageCount} images of “${snapshot.name}”.`}>
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

        {/* Focusable, so a problem with the choice of classes can bring it into view (its legend is read). */}
        <fieldset className="fieldset" id="classes" tabIndex={-1} {...invalid("classes")}>
          <legend>Classes</legend>
          <div className="check-row">
            {EXPRESSION_CLASSES.map((c) => {
              const n = snapshot.classCounts.train?.[c] ?? 0;
              return (
                <label key={c} className="check">
                  <input
                    type="checkbox"
                    checked={d.classes.includes(c)}
                    disabled={!n}
                    onChange={(e) => set({ classes: toggle(d.classes, c, e.target.checked) })}
                  />
                  {c} <span className="hint">({n} train)</span>
                </label>
              );
            })}
          </div>
          <FieldError id="classes" />
        </fieldset>

        <fieldset className="fieldset">
          <legend>What to train</legend>
          <div className="check-list" role="radiogroup" aria-label="Training mode">
            {TRAINING_MODES.map((mode) => {
              const config = { ...d, mode, ...(mode === d.mode ? {} : mode === "head" ? pickHead(defaults) : CONV_MODE_DEFAULTS[mode]) } as TrainingConfig;
              const estimate = roughly(estimateTrainingSeconds(config, trainCount, otherCount));
              return (
                <label key={mode} className="check check-block">
                  <input type="radio" name="mode" value={mode} checked={d.mode === mode} onChange={() => switchMode(mode)} aria-describedby={`mode-${mode}`} />
                  <span>
                    <strong>{MODE_TEXT[mode].label}</strong> <span className="badge">{estimate}</span>
                    <span className="hint" id={`mode-${mode}`}>
                      {" "}
                      {MODE_TEXT[mode].hint}
                    </span>
                  </span>
                </label>
              );
            })}
          </div>
          <p className="hint">Estimates are for this snapshot on a 2-core machine running wasm; a GPU worker is much faster.</p>
          {d.mode === "scratch" ? (
            <div className="form-grid">
              <Field id="conv-arch" label="Architecture">
                <select
                  id="conv-arch"
                  value={d.conv.architecture}
                  onChange={(e) => set({ conv: { ...d.conv, architecture: e.target.value as Draft["conv"]["architecture"] } })}
                >
                  {CNN_ARCHITECTURE_IDS.map((id) => (
                    <option key={id} value={id}>
                      {CNN_ARCHITECTURES[id].label}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id="conv-teacher"
                label="Learn from a trained model (distillation)"
                hint="Each face's target mixes its label with this version's probabilities for it; the teacher reads every training face once first."
              >
                <select
                  id="conv-teacher"
                  value={d.conv.distill?.teacher ?? ""}
                  aria-describedby="conv-teacher-hint"
                  onChange={(e) =>
                    set({ conv: { ...d.conv, distill: e.target.value ? { teacher: e.target.value, weight: d.conv.distill?.weight ?? 0.5 } : undefined } })
                  }
                >
                  <option value="">No teacher: labels only</option>
                  {teachers.map((v) => (
                    <option key={v.ref} value={v.ref}>
                      {v.ref} · {v.name}
                      {v.valAccuracy === null ? "" : ` · ${(v.valAccuracy * 100).toFixed(1)}% val`}
                    </option>
                  ))}
                </select>
              </Field>
              {d.conv.distill ? (
                <NumberField
                  id="conv-distill-weight"
                  label="Teacher's share of each target"
                  hint="0: the label only; 1: the teacher only."
                  min={0}
                  max={1}
                  step={0.05}
                  value={d.conv.distill.weight}
                  onChange={(n) => set({ conv: { ...d.conv, distill: { ...d.conv.distill!, weight: n } } })}
                />
              ) : null}
              <NumberField
                id="conv-cohort"
                label="Networks trained together"
                hint="1: one network. 2 to 4: each also learns from the others (mutual distillation), and the version holds them all; each costs a network's training time."
                min={1}
                max={4}
                step={1}
                value={d.conv.cohort?.members ?? 1}
                onChange={(n) =>
                  set({
                    // A new cohort starts from the schema's defaults (weight, burn-in); a changed one keeps its settings.
                    conv: {
                      ...d.conv,
                      // Any other number (0, 5, an emptied box) stays in the box for the form's check to name.
                      cohort: n === 1 ? undefined : { ...convConfig.shape.cohort.unwrap().parse({ members: 2 }), ...d.conv.cohort, members: n },
                    },
                  })
                }
              />
              {d.conv.cohort ? (
                <NumberField
                  id="conv-mutual-weight"
                  label="The others' share of each target"
                  hint="0: each network learns from its own target only; 1: from the others' probabilities only."
                  min={0}
                  max={1}
                  step={0.05}
                  value={d.conv.cohort.weight}
                  onChange={(n) => set({ conv: { ...d.conv, cohort: { ...d.conv.cohort!, weight: n } } })}
                />
              ) : null}
              {d.conv.cohort ? (
                <NumberField
                  id="conv-burn-in"
                  label="Epochs alone first"
                  hint="Each network trains on its own target for these epochs before it learns from the others (0: from the start)."
                  min={0}
                  max={d.epochs - 1}
                  step={1}
                  value={d.conv.cohort.burnIn}
                  onChange={(n) => set({ conv: { ...d.conv, cohort: { ...d.conv.cohort!, burnIn: n } } })}
                />
              ) : null}
              {d.conv.cohort ? (
                <NumberField
                  id="conv-drop-rate"
                  label="Share of each batch to skip"
                  hint="Co-teaching, for noisy labels: each network leaves out this share of every batch, the faces the others fit worst (often mislabelled ones). It starts after the epochs alone and grows over 5 epochs; 0 turns it off."
                  min={0}
                  max={0.5}
                  step={0.05}
                  value={d.conv.cohort.dropRate}
                  onChange={(n) => set({ conv: { ...d.conv, cohort: { ...d.conv.cohort!, dropRate: n } } })}
                />
              ) : null}
              <NumberField
                id="conv-resize-from"
                label="Starting face size (px)"
                hint={`${SCRATCH_INPUT_SIZE}: every epoch sees full-size faces. ${PROGRESSIVE_MIN_SIDE} to ${SCRATCH_INPUT_SIZE - 4}: the first epochs see smaller faces, growing to ${SCRATCH_INPUT_SIZE} px, and cost less (an epoch at 32 px about ${Math.round(sideCost(SCRATCH_INPUT_SIZE, 32) * 100)}% of one at ${SCRATCH_INPUT_SIZE}); the last epochs and every evaluation use ${SCRATCH_INPUT_SIZE} px.`}
                min={PROGRESSIVE_MIN_SIDE}
                max={SCRATCH_INPUT_SIZE}
                step={4}
                value={d.conv.progressive?.startSide ?? SCRATCH_INPUT_SIZE}
                onChange={(n) =>
                  set({
                    conv: {
                      ...d.conv,
                      // A new schedule grows over two thirds of the run; a changed one keeps its length.
                      progressive:
                        n === SCRATCH_INPUT_SIZE ? undefined : { epochs: Math.max(1, Math.round((d.epochs * 2) / 3)), ...d.conv.progressive, startSide: n },
                    },
                  })
                }
              />
              {d.conv.progressive ? (
                <NumberField
                  id="conv-resize-epochs"
                  label="Epochs to grow to full size"
                  hint={`The faces grow in 4 px steps over these epochs; the rest of the run trains at ${SCRATCH_INPUT_SIZE} px.`}
                  min={1}
                  max={d.epochs - 1}
                  step={1}
                  value={d.conv.progressive.epochs}
                  onChange={(n) => set({ conv: { ...d.conv, progressive: { ...d.conv.progressive!, epochs: n } } })}
                />
              ) : null}
            </div>
          ) : null}
          {d.mode === "finetune" ? (
            <div className="form-grid">
              <Field id="conv-backbone" label="Backbone">
                <select
                  id="conv-backbone"
                  value={d.conv.backbone}
                  onChange={(e) => set({ conv: { ...d.conv, backbone: e.target.value as Draft["conv"]["backbone"] } })}
                >
                  {FINETUNE_BACKBONE_IDS.map((id) => (
                    <option key={id} value={id}>
                      {FINETUNE_BACKBONES[id].label}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="conv-blocks" label="Trainable top blocks" hint="The blocks below stay frozen; their output is computed once per image.">
                <input
                  id="conv-blocks"
                  type="number"
                  min={1}
                  max={FINETUNE_BACKBONES[d.conv.backbone].blocks - 1}
                  value={shown(d.conv.trainableBlocks)}
                  onChange={(e) => set({ conv: { ...d.conv, trainableBlocks: numberFrom(e.target.value) } })}
                  {...invalid("conv-blocks", "conv-blocks-hint")}
                />
              </Field>
            </div>
          ) : null}
          {d.mode !== "head" ? (
            <div className="form-grid">
              <NumberField
                id="conv-dropout"
                label="Dropout before the classifier"
                min={0}
                max={0.9}
                step={0.05}
                value={d.conv.dropout}
                onChange={(n) => set({ conv: { ...d.conv, dropout: n } })}
              />
              <NumberField
                id="conv-wd"
                label="Weight decay"
                min={0}
                max={0.1}
                step="any"
                value={d.conv.weightDecay}
                onChange={(n) => set({ conv: { ...d.conv, weightDecay: n } })}
              />
              <NumberField
                id="conv-smoothing"
                label="Label smoothing"
                min={0}
                max={0.5}
                step={0.05}
                value={d.conv.labelSmoothing}
                onChange={(n) => set({ conv: { ...d.conv, labelSmoothing: n } })}
              />
              <Field
                id="conv-averaging"
                label="Weight averaging (decay per step)"
                hint="Empty: off. A moving average of the weights runs beside them (0.999 averages over about the last 1000 steps); each epoch val keeps the better of the two."
              >
                <input
                  id="conv-averaging"
                  type="number"
                  min={0.9}
                  max={0.9999}
                  step="any"
                  placeholder="off"
                  value={shown(d.conv.averaging)}
                  {...invalid("conv-averaging", "conv-averaging-hint")}
                  onChange={(e) => set({ conv: { ...d.conv, averaging: e.target.value === "" ? undefined : Number(e.target.value) } })}
                />
              </Field>
              {d.mode === "scratch" ? (
                <>
                  <NumberField
                    id="conv-erase"
                    label="Random erasing (probability)"
                    min={0}
                    max={1}
                    step={0.05}
                    value={d.conv.erase}
                    onChange={(n) => set({ conv: { ...d.conv, erase: n } })}
                  />
                  <NumberField
                    id="conv-contrast"
                    label="Contrast change (±)"
                    min={0}
                    max={0.9}
                    step={0.05}
                    value={d.conv.contrast}
                    onChange={(n) => set({ conv: { ...d.conv, contrast: n } })}
                  />
                </>
              ) : null}
            </div>
          ) : null}
        </fieldset>

        {d.mode === "head" ? (
          <fieldset className="fieldset">
            <legend>Backbones (frozen, concatenated)</legend>
            <p className="hint">Only the backbones worth choosing are offered, with what they measured on FER2013 (packages/model/research/README.md).</p>
            <div className="check-list">
              {backbones.map((b) => (
                <label key={b.id} className="check check-block">
                  <input
                    type="checkbox"
                    checked={d.backbones.includes(b.id)}
                    onChange={(e) => set({ backbones: toggle(d.backbones, b.id, e.target.checked) })}
                    aria-describedby={`bb-${b.id}`}
                  />
                  <span>
                    <strong>{b.id}</strong>
                    <span className="hint" id={`bb-${b.id}`}>
                      {" "}
                      {b.measured} {b.provenance}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}

        <fieldset className="fieldset">
          <legend>Augmentations</legend>
          <label className="check">
            <input type="checkbox" checked={d.augmentations.flip} onChange={(e) => set({ augmentations: { ...d.augmentations, flip: e.target.checked } })} />
            {d.mode === "head" ? "Mirrored copy of every training image" : "Mirror half of the images, drawn anew each epoch"}
          </label>
          <div className="form-grid">
            {RANDOM_AUGMENTATIONS.map((a) => {
              const t = AUGMENTATION_TEXT[a];
              const value = d.augmentations[a];
              return (
                <Fragment key={a}>
                  <div className="aug-row">
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={value.enabled}
                        onChange={(e) =>
                          set({
                            augmentations: {
                              ...d.augmentations,
                              [a]: { ...value, enabled: e.target.checked },
                              copies: d.mode === "head" && e.target.checked && !d.augmentations.copies ? 1 : d.augmentations.copies,
                            },
                          })
                        }
                      />
                      {t.label}
                    </label>
                    <label className="visually-hidden" htmlFor={`aug-${a}`}>
                      {t.label} strength ({t.unit})
                    </label>
                    <input
                      id={`aug-${a}`}
                      type="number"
                      min={0}
                      max={t.max}
                      step={t.step}
                      value={shown(value.amount)}
                      disabled={!value.enabled}
                      {...invalid(`aug-${a}`)}
                      onChange={(e) => set({ augmentations: { ...d.augmentations, [a]: { ...value, amount: numberFrom(e.target.value) } } })}
                    />
                    <span className="hint">± {t.unit}</span>
                  </div>
                  <FieldError id={`aug-${a}`} />
                </Fragment>
              );
            })}
          </div>
          {d.mode === "head" ? (
            <Field id="aug-copies" label="Augmented copies per image" hint="Each copy is embedded once and cached; 0 turns random augmentation off.">
              <input
                id="aug-copies"
                type="number"
                min={0}
                max={8}
                value={shown(d.augmentations.copies)}
                onChange={(e) => set({ augmentations: { ...d.augmentations, copies: numberFrom(e.target.value) } })}
                {...invalid("aug-copies", "aug-copies-hint")}
              />
            </Field>
          ) : (
            <p className="hint">Conv training draws a new random augmentation of every image in every epoch.</p>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>{d.mode === "head" ? "Head and schedule" : "Schedule"}</legend>
          <div className="form-grid">
            {d.mode === "head" ? (
              <>
                <Field id="head-hidden" label="Hidden layers" hint='Widths, e.g. "512" or "512,256"; empty for logistic regression.'>
                  <input
                    id="head-hidden"
                    value={d.head.hidden.join(",")}
                    onChange={(e) =>
                      set({
                        head: {
                          ...d.head,
                          hidden: e.target.value
                            .split(",")
                            .map((s) => s.trim())
                            .filter(Boolean)
                            .map(Number),
                        },
                      })
                    }
                    {...invalid("head-hidden", "head-hidden-hint")}
                  />
                </Field>
                <NumberField
                  id="head-dropout"
                  label="Dropout"
                  min={0}
                  max={0.9}
                  step={0.05}
                  value={d.head.dropout}
                  onChange={(n) => set({ head: { ...d.head, dropout: n } })}
                />
              </>
            ) : null}
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
              <input
                id="epochs"
                type="number"
                min={1}
                max={500}
                value={shown(d.epochs)}
                onChange={(e) => set({ epochs: numberFrom(e.target.value) })}
                {...invalid("epochs")}
              />
            </Field>
            <Field id="batch-size" label="Batch size">
              <input
                id="batch-size"
                type="number"
                min={8}
                max={4096}
                value={shown(d.batchSize)}
                onChange={(e) => set({ batchSize: numberFrom(e.target.value) })}
                {...invalid("batch-size")}
              />
            </Field>
            <NumberField
              id="lr"
              label="Learning rate"
              min={0}
              max={1}
              step="any"
              value={d.learningRate.initial}
              onChange={(n) => set({ learningRate: { ...d.learningRate, initial: n } })}
            />
            <Field id="lr-schedule" label="Learning-rate schedule">
              <select
                id="lr-schedule"
                value={d.learningRate.schedule}
                onChange={(e) => set({ learningRate: { ...d.learningRate, schedule: e.target.value as Draft["learningRate"]["schedule"] } })}
              >
                {LR_SCHEDULES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="seed" label="Seed">
              <input id="seed" type="number" min={0} value={shown(d.seed)} onChange={(e) => set({ seed: numberFrom(e.target.value) })} {...invalid("seed")} />
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
              <input
                type="checkbox"
                checked={d.earlyStopping.enabled}
                onChange={(e) => set({ earlyStopping: { ...d.earlyStopping, enabled: e.target.checked } })}
              />
              Early stopping on val loss
            </label>
            <label className="check">
              Patience
              <input
                id="patience"
                type="number"
                className="input-narrow"
                min={1}
                max={100}
                value={shown(d.earlyStopping.patience)}
                disabled={!d.earlyStopping.enabled}
                {...invalid("patience")}
                onChange={(e) => set({ earlyStopping: { ...d.earlyStopping, patience: numberFrom(e.target.value) } })}
                aria-label="Patience in epochs"
              />
            </label>
          </div>
          <FieldError id="patience" />
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="button" disabled={start.isPending}>
            {start.isPending ? "Starting…" : "Start training"}
          </button>
          <p className="hint" role="status" aria-live="polite">
            {issues.length ? (
              <span className="inline-error">Not started: {configProblems(issues).join(" ")}</span>
            ) : unrunnable ? (
              <span className="inline-error">Not started: {unrunnable}</span>
            ) : start.isError ? (
              <span className="inline-error">Not started: {start.error.message}</span>
            ) : null}
          </p>
        </div>
      </form>
    </Problems.Provider>
  );
}
