import type { TrainingMode } from "@mien/jobs/training";

export const pct = (v: number | undefined | null) => (v == null || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(1)}%`);
export const dec = (v: number | undefined | null, digits = 3) => (v == null || !Number.isFinite(v) ? "–" : v.toFixed(digits));
// A fixed locale keeps server and browser renders identical.
export const when = (d: Date | string | null | undefined) =>
  d ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(d)) + " UTC" : "–";

/** An estimate as a person would say it: "about 25 s" under a minute, else whole minutes. */
export const roughly = (seconds: number) => (seconds < 57.5 ? `about ${Math.max(5, Math.round(seconds / 5) * 5)} s` : `about ${Math.round(seconds / 60)} min`);

const STAGE_TEXT: Record<string, string> = {
  queued: "Waiting for a worker",
  preparing: "Preparing",
  embedding: "Embedding images",
  evaluating: "Evaluating the quantised model",
  publishing: "Publishing",
  done: "Done",
};

/** What a job is doing in a stage, in the words of its mode (only a head job trains a head). */
export function stageText(stage: string, mode: TrainingMode): string {
  if (stage === "training") return mode === "head" ? "Training the head" : mode === "finetune" ? "Fine-tuning the top blocks" : "Training the network";
  if (stage === "embedding" && mode === "finetune") return "Running the frozen blocks once";
  return STAGE_TEXT[stage] ?? stage;
}
