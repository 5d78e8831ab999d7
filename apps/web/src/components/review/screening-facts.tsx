import type { ReviewItem } from "./review-keys.ts";
import { mislabelReason } from "./screening-signals.ts";

const two = (v: number) => v.toFixed(2);

/** What automatic screening found about one image, in words (shown under the preview). */
export function ScreeningFacts({ item }: { item: ReviewItem }) {
  const screened = item.faceCount !== null || item.ocrScore !== null || item.mislabelScore !== null;
  if (!screened && !item.duplicateGroup) {
    return <p className="hint">Not screened yet: an admin starts screening on the Screening page.</p>;
  }
  const differs = item.suggestedLabel !== null && item.suggestedLabel !== item.label;
  return (
    <section className="preview-screening" aria-label="Screening signals">
      <dl>
        <dt>Model&apos;s label</dt>
        <dd data-testid="preview-suggested">
          {item.mislabelScore === null
            ? "—"
            : differs
              ? `${item.suggestedLabel}, not ${item.label} (suspicion ${two(item.mislabelScore)})`
              : `agrees with ${item.label} (suspicion ${two(item.mislabelScore)})`}
        </dd>
        {differs && mislabelReason(item) ? (
          <>
            <dt>Why</dt>
            <dd data-testid="preview-mislabel-reason">
              {mislabelReason(item)}. Press <kbd>s</kbd> to relabel as {item.suggestedLabel}.
            </dd>
          </>
        ) : null}
        <dt>Faces found</dt>
        <dd>{item.faceCount === null ? "—" : `${item.faceCount}${item.faceScore !== null ? ` (best ${two(item.faceScore)})` : ""}`}</dd>
        <dt>Text read</dt>
        <dd data-testid="preview-text">{item.ocrScore === null ? "—" : item.ocrText ? `“${item.ocrText}” (${two(item.ocrScore)})` : "none"}</dd>
        <dt>Contrast</dt>
        <dd>{item.contrast.toFixed(0)}</dd>
        <dt>Near-duplicates</dt>
        <dd>
          {item.duplicateGroup
            ? item.duplicateGroup === item.id
              ? `kept copy; ${item.duplicateCount - 1} more in its group`
              : `a duplicate; ${item.duplicateCount} in its group`
            : "none found"}
        </dd>
      </dl>
    </section>
  );
}
