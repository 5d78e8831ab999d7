export const pct = (v: number | undefined | null) => (v == null || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(1)}%`);
export const dec = (v: number | undefined | null, digits = 3) => (v == null || !Number.isFinite(v) ? "–" : v.toFixed(digits));
// A fixed locale keeps server and browser renders identical.
export const when = (d: Date | string | null | undefined) =>
  d ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(d)) + " UTC" : "–";

export const STAGE_TEXT: Record<string, string> = {
  queued: "Waiting for a worker",
  preparing: "Preparing",
  embedding: "Embedding images",
  training: "Training the head",
  evaluating: "Evaluating the quantised model",
  publishing: "Publishing",
  done: "Done",
};
