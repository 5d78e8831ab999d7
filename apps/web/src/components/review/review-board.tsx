"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { BulkFlagDialog } from "./bulk-flag-dialog.tsx";
import { DecisionBar } from "./decision-bar.tsx";
import { HelpOverlay } from "./help-overlay.tsx";
import { HistoryPanel } from "./history-panel.tsx";
import { ReviewFilters } from "./review-filters.tsx";
import { decisionText, FLAG_TEXT, SPLITS, suggestionOf, title, type FlagReason, type KeyAction, type PageInput, type ReviewItem } from "./review-keys.ts";
import { ScreeningFacts } from "./screening-facts.tsx";
import { sortSignal, type ReviewSort } from "./screening-signals.ts";
import { useAnnouncement } from "./use-announcement.ts";
import { useReviewActions, type DecisionChoice } from "./use-review-actions.ts";
import { useReviewKeys } from "./use-review-keys.ts";

const number = new Intl.NumberFormat("en-US");

/** How many columns the CSS grid currently lays out, so ↑/↓ move by a whole row. */
function columnCount(grid: HTMLElement | null): number {
  if (!grid) return 1;
  return Math.max(1, getComputedStyle(grid).gridTemplateColumns.split(" ").filter(Boolean).length);
}

function cellLabel(item: ReviewItem, n: number, selected: boolean, sort: ReviewSort): string {
  const signal = sortSignal(item, sort);
  return `#${n}, labelled ${item.label}${signal ? `, ${signal.spoken}` : ""}, your decision: ${decisionText(item.myDecision)}${selected ? ", selected" : ""}`;
}

/** The keyboard-first review grid for one class, with preview, history, selection and help. */
export function ReviewBoard({ classes }: { classes: readonly string[] }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<PageInput>({ label: classes[0]!, notReviewedByMe: false, sort: "id" } as PageInput);
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [overlay, setOverlay] = useState<"help" | "bulk" | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [message, setMessage] = useAnnouncement();
  const grid = useRef<HTMLUListElement>(null);
  const cells = useRef(new Map<number, HTMLButtonElement>());
  const keyMoved = useRef(false);

  const query = useInfiniteQuery(trpc.review.page.infiniteQueryOptions(filters, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const current = items[focus];
  const { sendDecision, failures, retry, dismiss, undo, bulkFlag } = useReviewActions(filters, setMessage);

  const changeFilters = (next: PageInput) => {
    setFilters(next);
    setFocus(0);
    setSelected(new Set());
    keyMoved.current = true;
  };

  /** Puts focus back on the current cell once a dialog has closed. */
  const refocus = () => requestAnimationFrame(() => cells.current.get(focus)?.focus());

  /** Moves to image `index`; `focusCell` false leaves the page where it is (a decision clicked under the preview). */
  const moveTo = useCallback(
    (index: number, focusCell = true) => {
      const last = items.length - 1;
      const next = Math.max(0, Math.min(last, index));
      // Reaching the last row loads the next page, so the keyboard never hits a wall.
      if (index >= last - columnCount(grid.current) && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
      keyMoved.current = focusCell;
      setFocus(next);
    },
    [items.length, query],
  );

  useEffect(() => {
    if (!keyMoved.current && document.activeElement !== document.body) return;
    keyMoved.current = false;
    cells.current.get(focus)?.focus();
  }, [focus, items.length]);

  const choose = useCallback(
    (choice: DecisionChoice, said: string, focusCell: boolean) => {
      if (!current) return;
      const sameLabel = choice.kind === "relabel" && choice.label === current.label;
      const decision: DecisionChoice = sameLabel ? { kind: "accept" } : choice;
      const text = sameLabel ? `Accepted #${focus + 1} (already ${current.label})` : said.replace("#", `#${focus + 1}`);
      sendDecision({ imageId: current.id, decision, expectedVersion: current.myDecision?.version ?? null }, text);
      setMessage(text);
      moveTo(focus + 1, focusCell);
    },
    [current, sendDecision, focus, moveTo],
  );

  const flagSelection = (reason: FlagReason) => {
    const imageIds = [...selected];
    setOverlay(null);
    if (imageIds.length === 0) return;
    bulkFlag.mutate({ imageIds, flags: [reason] });
    setSelected(new Set());
    setMessage(`Flagged ${imageIds.length} selected image${imageIds.length === 1 ? "" : "s"} as ${FLAG_TEXT[reason]}`);
    refocus();
  };

  /**
   * One key's action on the grid (see the key table in review-keys.ts); false when it did nothing.
   * From a button under the preview (`fromKey` false) a decision moves on without scrolling to the grid.
   */
  const runKey = (action: KeyAction, fromKey = true): boolean => {
    if (action.kind === "command") {
      switch (action.command) {
        case "help":
          setOverlay("help");
          return true;
        case "close":
          setHistoryOpen(false);
          return true;
        case "next":
          moveTo(focus + 1);
          return true;
        case "previous":
          moveTo(focus - 1);
          return true;
        case "down":
          moveTo(focus + columnCount(grid.current));
          return true;
        case "up":
          moveTo(focus - columnCount(grid.current));
          return true;
        case "first":
          moveTo(0);
          return true;
        case "last":
          moveTo(items.length - 1);
          return true;
      }
    }
    // The rest act on the focused image.
    if (!current) return false;
    if (action.kind === "relabel") choose({ kind: "relabel", label: action.label as PageInput["label"] }, `Relabelled # as ${action.label}`, fromKey);
    else if (action.kind === "flag") choose({ kind: "flag", flags: [action.reason] }, `Marked # as ${FLAG_TEXT[action.reason]}`, fromKey);
    else if (action.command === "accept") choose({ kind: "accept" }, "Accepted #", fromKey);
    else if (action.command === "suggest") {
      const label = suggestionOf(current);
      if (label) choose({ kind: "relabel", label }, `Relabelled # as ${label} (the suggestion)`, fromKey);
      else setMessage(`Screening suggests no other label for #${focus + 1}.`);
    } else if (action.command === "undo") {
      const n = focus + 1;
      undo.mutate({ imageId: current.id }, { onSuccess: () => setMessage(`Undone #${n}`) });
    } else if (action.command === "select") {
      const next = new Set(selected);
      if (next.has(current.id)) next.delete(current.id);
      else next.add(current.id);
      setSelected(next);
      setMessage(`${next.has(current.id) ? "Selected" : "Unselected"} #${focus + 1}; ${next.size} selected`);
    } else if (action.command === "bulk") {
      if (selected.size === 0) setMessage("Select images with x first, then press b to flag them.");
      else setOverlay("bulk");
    } else if (action.command === "history") setHistoryOpen((open) => !open);
    else return false;
    return true;
  };

  useReviewKeys({
    classes,
    grid,
    overlay,
    closeOverlay: () => {
      setOverlay(null);
      refocus();
    },
    flagSelection,
    run: runKey,
  });

  const split = SPLITS.find((s) => s.value === current?.split)?.text ?? "Unassigned";

  return (
    <>
      <ReviewFilters classes={classes} value={filters} onChange={changeFilters} onHelp={() => setOverlay("help")} />
      <div className="review-layout">
        <section className="review-grid-wrap" aria-labelledby="grid-heading">
          <h2 id="grid-heading" className="visually-hidden">
            {title(filters.label)} images
          </h2>
          {query.isPending ? (
            <p className="status" role="status">
              Loading images…
            </p>
          ) : query.isError ? (
            <p className="notice notice-error" role="alert">
              The images could not be loaded: {query.error.message} Reload the page to try again.
            </p>
          ) : items.length === 0 ? (
            <p className="status">No images match these filters.</p>
          ) : (
            <>
              <p className="hint review-count">
                {number.format(items.length)} shown{query.hasNextPage ? ", more below" : ""}
                {selected.size > 0 ? ` · ${selected.size} selected` : ""} · press <kbd>?</kbd> for keys
              </p>
              <ul ref={grid} className="review-grid" aria-label={`${title(filters.label)} images`}>
                {items.map((item, i) => {
                  const isSelected = selected.has(item.id);
                  const kind = item.myDecision?.kind ?? "none";
                  const signal = sortSignal(item, filters.sort ?? "id");
                  return (
                    <li key={item.id}>
                      <button
                        ref={(el) => {
                          if (el) cells.current.set(i, el);
                          else cells.current.delete(i);
                        }}
                        type="button"
                        className="review-cell"
                        data-image-id={item.id}
                        data-decision={kind}
                        data-selected={isSelected || undefined}
                        aria-current={i === focus ? "true" : undefined}
                        aria-label={cellLabel(item, i + 1, isSelected, filters.sort ?? "id")}
                        tabIndex={i === focus ? 0 : -1}
                        onClick={() => setFocus(i)}
                      >
                        {/* A plain img: the route is private and cached; an image optimiser would re-encode it. */}
                        <img src={`/api/images/${item.id}/thumb`} alt="" loading="lazy" width={96} height={96} />
                        <span className="cell-number" aria-hidden="true">
                          {i + 1}
                        </span>
                        {signal ? (
                          <span className="cell-signal" aria-hidden="true">
                            {signal.short}
                          </span>
                        ) : null}
                        {kind !== "none" ? (
                          <span className={`cell-badge badge-${kind}`} aria-hidden="true">
                            {kind === "accept" ? "✓" : kind === "relabel" ? item.myDecision?.label?.slice(0, 3) : "⚑"}
                          </span>
                        ) : null}
                      </button>
                    </li>
                  );
                })}
              </ul>
              {query.hasNextPage ? (
                <button type="button" className="button button-quiet load-more" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  {query.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : null}
            </>
          )}
        </section>
        <div className="review-side">
          {failures.length > 0 ? (
            <section className="notice notice-error" aria-labelledby="failed-heading" data-testid="review-failures">
              <h2 id="failed-heading">Not saved</h2>
              <ul>
                {failures.map((f) => (
                  <li key={f.input.imageId}>
                    {f.said}: not recorded, because {f.reason}.{" "}
                    {f.retryable ? (
                      <button
                        type="button"
                        className="button"
                        onClick={() => {
                          retry(f);
                          refocus();
                        }}
                      >
                        Retry
                      </button>
                    ) : null}{" "}
                    <button
                      type="button"
                      className="button button-quiet"
                      onClick={() => {
                        dismiss(f.input.imageId);
                        refocus();
                      }}
                    >
                      Dismiss
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {current ? (
            <figure className="review-preview">
              <img src={`/api/images/${current.id}/original`} alt={`Image #${focus + 1}, labelled ${current.label}`} />
              <figcaption>
                <dl className="preview-facts">
                  <div>
                    <dt>Image</dt>
                    {/* The id's start, as the audit trail names images; the position changes with the filters. */}
                    <dd>
                      <code>{current.id.slice(0, 8)}</code> · #{focus + 1} in this view
                    </dd>
                  </div>
                  <div>
                    <dt>Label</dt>
                    <dd>{current.label}</dd>
                  </div>
                  <div>
                    <dt>Split</dt>
                    <dd>{split}</dd>
                  </div>
                  <div>
                    <dt>Size</dt>
                    <dd>
                      {current.width}×{current.height}
                    </dd>
                  </div>
                  <div>
                    <dt>Sharpness</dt>
                    <dd>{current.blurScore.toFixed(0)}</dd>
                  </div>
                  <div>
                    <dt>Faces</dt>
                    <dd>{current.faceCount ?? "—"}</dd>
                  </div>
                  <div className="wide">
                    <dt>Your decision</dt>
                    <dd data-testid="preview-decision">{decisionText(current.myDecision)}</dd>
                  </div>
                  {current.autoFlags.length ? (
                    <div className="wide">
                      <dt>Screening</dt>
                      <dd>{current.autoFlags.map((f) => FLAG_TEXT[f as FlagReason] ?? f).join(", ")}</dd>
                    </div>
                  ) : null}
                </dl>
                <ScreeningFacts item={current} />
                <DecisionBar
                  item={current}
                  number={focus + 1}
                  classes={classes}
                  isSelected={selected.has(current.id)}
                  selectedCount={selected.size}
                  run={(action) => runKey(action, false)}
                />
                <button type="button" className="button button-quiet" onClick={() => setHistoryOpen((o) => !o)} aria-expanded={historyOpen}>
                  {historyOpen ? "Hide history" : "Show history"} <kbd>h</kbd>
                </button>
              </figcaption>
            </figure>
          ) : null}
          {historyOpen && current ? <HistoryPanel imageId={current.id} onClose={() => setHistoryOpen(false)} /> : null}
        </div>
      </div>
      <p className="review-announcer" role="status" aria-live="polite" data-testid="review-announcer">
        {message}
      </p>
      {overlay === "help" ? (
        <HelpOverlay
          classes={classes}
          onClose={() => {
            setOverlay(null);
            refocus();
          }}
        />
      ) : null}
      {overlay === "bulk" ? (
        <BulkFlagDialog
          count={selected.size}
          onChoose={flagSelection}
          onClose={() => {
            setOverlay(null);
            refocus();
          }}
        />
      ) : null}
    </>
  );
}
