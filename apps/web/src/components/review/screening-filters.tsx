"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";
import type { PageInput } from "./review-keys.ts";
import { applyQueue, currentQueue, queues, SORT_THRESHOLD, SORTS, type ReviewSort } from "./screening-signals.ts";

/** Screening queues, signal orders and thresholds for the review grid (part of the filters form). */
export function ScreeningFilters({ value, onChange }: { value: PageInput; onChange: (next: PageInput) => void }) {
  const trpc = useTRPC();
  const thresholds = useQuery(trpc.screening.thresholds.queryOptions(undefined, { staleTime: Infinity }));
  const all = queues(thresholds.data);
  const queue = currentQueue(value, all);
  const sort = (value.sort ?? "id") as ReviewSort;
  const threshold = SORT_THRESHOLD[sort];
  const thresholdValue = threshold ? (value[threshold.field] as number | undefined) : undefined;

  return (
    <fieldset className="screening-filters">
      <legend>Screening</legend>
      <div className="field">
        <label htmlFor="filter-queue">Queue</label>
        <select
          id="filter-queue"
          value={queue?.id ?? "custom"}
          onChange={(e) => {
            const picked = all.find((q) => q.id === e.target.value);
            if (picked) onChange(applyQueue(value, picked.set));
          }}
        >
          {all.map((q) => (
            <option key={q.id} value={q.id}>
              {q.text}
            </option>
          ))}
          {queue ? null : (
            <option value="custom" disabled>
              Custom
            </option>
          )}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-sort">Order</label>
        <select id="filter-sort" value={sort} onChange={(e) => onChange({ ...value, sort: e.target.value as ReviewSort })}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.text}
            </option>
          ))}
        </select>
      </div>
      {threshold ? (
        <div className="field">
          <label htmlFor="filter-threshold">{threshold.label}</label>
          <input
            id="filter-threshold"
            type="number"
            inputMode="decimal"
            min={threshold.min}
            max={threshold.max}
            step={threshold.step}
            placeholder="any"
            value={thresholdValue ?? ""}
            onChange={(e) => {
              const raw = e.target.value;
              const n = Number(raw);
              // An empty or half-typed number lifts the threshold instead of sending something invalid.
              const ok = raw !== "" && Number.isFinite(n) && n >= threshold.min && n <= threshold.max;
              const next = { ...value } as Record<string, unknown>;
              if (ok) next[threshold.field] = n;
              else delete next[threshold.field];
              onChange(next as PageInput);
            }}
          />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="filter-faces">Faces</label>
        <select
          id="filter-faces"
          value={value.faces ?? ""}
          onChange={(e) => onChange({ ...value, faces: (e.target.value || undefined) as PageInput["faces"] })}
        >
          <option value="">Any</option>
          <option value="none">No face found</option>
          <option value="one">Exactly one</option>
          <option value="several">Several</option>
        </select>
      </div>
      <label className="check">
        <input type="checkbox" checked={value.suggestedDiffers ?? false} onChange={(e) => onChange({ ...value, suggestedDiffers: e.target.checked })} />
        Model suggests another label
      </label>
      <label className="check">
        <input type="checkbox" checked={value.inDuplicateGroup ?? false} onChange={(e) => onChange({ ...value, inDuplicateGroup: e.target.checked })} />
        Near-duplicates only
      </label>
    </fieldset>
  );
}
