"use client";

import { useEffect, useRef } from "react";

import { FLAG_KEYS, FLAG_TEXT, type FlagReason } from "./review-keys.ts";

/** Asks which reason to flag the selection with; the board also maps u/t/f/d while it is open. */
export function BulkFlagDialog({ count, onChoose, onClose }: { count: number; onChoose: (reason: FlagReason) => void; onClose: () => void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="bulk-heading">
      <div className="overlay-card">
        <div className="overlay-head">
          <h2 id="bulk-heading">
            Flag {count} selected image{count === 1 ? "" : "s"}
          </h2>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
        </div>
        <p className="hint">Choose a reason (or press its key).</p>
        <div className="reason-buttons">
          {Object.entries(FLAG_KEYS).map(([key, reason], i) => (
            <button key={key} ref={i === 0 ? first : undefined} type="button" className="button button-quiet" onClick={() => onChoose(reason)}>
              <kbd>{key}</kbd> {FLAG_TEXT[reason]}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
