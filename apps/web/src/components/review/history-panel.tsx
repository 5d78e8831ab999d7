"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { decisionText, resolutionText, type HistoryEntry } from "./review-keys.ts";

const ACTION_TEXT: Record<string, string> = {
  "review.decide": "Decided",
  "review.bulk_flag": "Bulk-flagged",
  "review.undo": "Undone",
  "review.resolve": "Resolved",
};

function changeText(h: HistoryEntry): string {
  if (h.action === "review.resolve") return `${resolutionText(h.before)} → ${resolutionText(h.after)}`;
  return `${decisionText(h.before)} → ${decisionText(h.after)}`;
}

const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** One image's audit trail: who did what, when, and the decision before → after. */
export function HistoryPanel({ imageId, onClose }: { imageId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.review.history.queryOptions({ imageId }, { staleTime: 0 }));
  // It opens under the decisions, often below the fold: bring it into view, and again once its entries have loaded.
  const panel = useRef<HTMLElement>(null);
  // A block body: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup function.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: "nearest" });
  }, [history.isPending]);
  return (
    <aside ref={panel} className="history-panel" aria-labelledby="history-heading">
      <div className="overlay-head">
        <h2 id="history-heading">History of image {imageId.slice(0, 8)}</h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close
        </button>
      </div>
      {history.isPending ? (
        <p className="status">Loading the history…</p>
      ) : history.isError ? (
        <p className="notice notice-error" role="alert">
          The history could not be loaded: {history.error.message}
        </p>
      ) : history.data.length === 0 ? (
        <p className="hint">No review actions on this image yet.</p>
      ) : (
        <ol className="history-list" aria-label="Review actions, newest first">
          {history.data.map((h) => (
            <li key={h.id} className="history-entry" data-action={h.action}>
              <span className="history-action">{ACTION_TEXT[h.action] ?? h.action}</span>{" "}
              <span className="history-who">by {h.actor?.name || h.actor?.email || "a deleted account"}</span>
              <time className="history-when" dateTime={h.createdAt.toISOString()}>
                {time.format(h.createdAt)} UTC
              </time>
              <span className="history-change">{changeText(h)}</span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
