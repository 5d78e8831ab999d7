"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";

import type { RouterOutputs } from "@mien/api";

import { useTRPC } from "../../trpc/react.tsx";
import { useRescueFocus } from "../use-rescue-focus.ts";
import { ResolveForm } from "./resolve-form.tsx";
import { decisionText } from "./review-keys.ts";
import { useAnnouncement } from "./use-announcement.ts";

type Conflict = RouterOutputs["review"]["conflicts"]["items"][number];

const number = new Intl.NumberFormat("en-US");

/** The class most reviewers moved the image to, if any asked for a relabel. */
function suggestedClass(item: Conflict): string | null {
  const votes = new Map<string, number>();
  for (const d of item.decisions) {
    const target = d.kind === "relabel" ? d.label : d.flags.length === 1 && d.flags[0] === "mislabelled" ? d.suggestedLabel : null;
    if (target && target !== item.label) votes.set(target, (votes.get(target) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

function rulingText(item: Conflict): string {
  const r = item.resolution;
  if (!r) return "";
  const what = r.outcome === "remove" ? "removed" : r.outcome === "relabel" ? `relabelled ${r.label}` : `kept as ${item.label}`;
  return `${what} by ${r.resolvedBy.name || r.resolvedBy.email}${r.note ? ` (“${r.note}”)` : ""}`;
}

/** The admin's resolution queue: open conflicts with every curator's decision and a ruling form, or the images already resolved. */
export function ConflictList({ classes }: { classes: readonly string[] }) {
  const trpc = useTRPC();
  const [state, setState] = useState<"open" | "resolved">("open");
  const [message, setMessage] = useAnnouncement();
  const query = useInfiniteQuery(trpc.review.conflicts.infiniteQueryOptions({ state }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const total = query.data?.pages[0]?.total;
  // A ruled image leaves the list, and its buttons with it: focus goes to the conflict now in its place (or the last one).
  const ruledAt = useRef(0);
  const listRef = useRef<HTMLUListElement | null>(null);
  useRescueFocus(() => {
    const rows = listRef.current?.querySelectorAll<HTMLElement>(":scope > li");
    const row = rows?.[Math.min(ruledAt.current, rows.length - 1)];
    return row?.querySelector<HTMLElement>("input, button") ?? document.getElementById("conflicts-heading");
  }, items.length);

  return (
    <section aria-labelledby="conflicts-heading">
      <div className="queue-head">
        <h2 id="conflicts-heading" tabIndex={-1}>
          {state === "open" ? "Waiting for a ruling" : "Resolved"}
        </h2>
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" className="button button-quiet" aria-pressed={state === "open"} onClick={() => setState("open")}>
            Open
          </button>
          <button type="button" className="button button-quiet" aria-pressed={state === "resolved"} onClick={() => setState("resolved")}>
            Resolved
          </button>
        </div>
      </div>
      <p className="review-announcer" role="status" aria-live="polite" data-testid="conflict-announcer">
        {message}
      </p>
      {query.isPending ? (
        <p className="status">Loading…</p>
      ) : query.isError ? (
        <p className="notice notice-error" role="alert">
          The queue could not be loaded: {query.error.message} Reload the page to try again.
        </p>
      ) : items.length === 0 ? (
        <p className="status">
          {state === "open" ? "No open conflicts: every reviewed image has agreeing decisions or a ruling." : "No image has been resolved yet."}
        </p>
      ) : (
        <>
          <p className="hint">
            {number.format(total ?? items.length)} image{total === 1 ? "" : "s"} · {query.data.pages[0]!.required} review
            {query.data.pages[0]!.required === 1 ? "" : "s"} required per image
            {state === "resolved" ? ". A ruling applies from the next snapshot; snapshots already taken never change." : ""}
          </p>
          <ul className="conflict-list" ref={listRef} aria-label={state === "open" ? "Conflicting images" : "Resolved images"}>
            {items.map((item, i) => (
              <li key={item.id} className="conflict" data-image-id={item.id}>
                {/* A plain img: the route is private and cached. */}
                <img src={`/api/images/${item.id}/original`} alt={`Image labelled ${item.label}`} width={128} height={128} />
                <div>
                  <p className="conflict-label">
                    Labelled <strong>{item.label}</strong>
                    {item.resolution?.outcome === "relabel" && item.resolution.label !== item.label ? (
                      <>
                        {" "}
                        → <strong>{item.resolution.label}</strong> by ruling
                      </>
                    ) : null}{" "}
                    · {item.status.reviews} reviews
                  </p>
                  <ul className="conflict-decisions" aria-label="Decisions">
                    {item.decisions.map((d) => (
                      <li key={d.curator.id}>
                        <span className="history-who">{d.curator.name || d.curator.email}:</span> {decisionText(d)}
                      </li>
                    ))}
                  </ul>
                  {state === "open" ? (
                    <ResolveForm
                      imageId={item.id}
                      label={item.label}
                      classes={classes}
                      suggested={suggestedClass(item)}
                      version={item.resolution?.version ?? null}
                      announce={(text) => {
                        ruledAt.current = i;
                        setMessage(text);
                      }}
                    />
                  ) : (
                    <p className="conflict-ruling">Ruling: {rulingText(item)}</p>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {query.hasNextPage ? (
            <button type="button" className="button button-quiet load-more" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
