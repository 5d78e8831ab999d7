"use client";

import { FLAG_TEXT, SPLITS, title, type FlagReason, type PageInput } from "./review-keys.ts";
import { ScreeningFilters } from "./screening-filters.tsx";

/** Class, split, flag, "not reviewed by me" and "disagreements" filters for the review grid, then the screening queues and orders. */
export function ReviewFilters({
  classes,
  value,
  onChange,
  onHelp,
}: {
  classes: readonly string[];
  value: PageInput;
  onChange: (next: PageInput) => void;
  onHelp: () => void;
}) {
  return (
    <form className="review-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="filter-class">Class</label>
        <select id="filter-class" value={value.label} onChange={(e) => onChange({ ...value, label: e.target.value as PageInput["label"] })}>
          {classes.map((c, i) => (
            <option key={c} value={c}>
              {i + 1}. {title(c)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-split">Split</label>
        <select
          id="filter-split"
          value={value.split ?? ""}
          onChange={(e) => onChange({ ...value, split: (e.target.value || undefined) as PageInput["split"] })}
        >
          <option value="">All splits</option>
          {SPLITS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.text}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-flag">Flag</label>
        <select
          id="filter-flag"
          value={value.flag ?? ""}
          onChange={(e) => onChange({ ...value, flag: (e.target.value || undefined) as FlagReason | undefined })}
        >
          <option value="">Any</option>
          {(Object.keys(FLAG_TEXT) as FlagReason[]).map((f) => (
            <option key={f} value={f}>
              {title(FLAG_TEXT[f])}
            </option>
          ))}
        </select>
      </div>
      <label className="check">
        <input type="checkbox" checked={value.notReviewedByMe ?? false} onChange={(e) => onChange({ ...value, notReviewedByMe: e.target.checked })} />
        Not yet reviewed by me
      </label>
      <label className="check">
        <input type="checkbox" checked={value.disagreements ?? false} onChange={(e) => onChange({ ...value, disagreements: e.target.checked })} />
        Disagreements
        <span className="visually-hidden">: images you reviewed where another curator decided differently</span>
      </label>
      <button type="button" className="button button-quiet" onClick={onHelp}>
        Keys <kbd>?</kbd>
      </button>
      <ScreeningFilters value={value} onChange={onChange} />
    </form>
  );
}
