"use client";

import { useEffect, useMemo, useRef, type RefObject } from "react";

import { FLAG_KEYS, keyActions, type FlagReason, type KeyAction } from "./review-keys.ts";

/** A check box is a control like a button, not a field typed into (arrows mean nothing to it). */
const isToggle = (target: EventTarget | null): boolean => target instanceof HTMLInputElement && target.type === "checkbox";

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !isToggle(target) && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

export interface ReviewKeys {
  classes: readonly string[];
  /** The grid: Enter and Space on buttons outside it keep their usual meaning. */
  grid: RefObject<HTMLElement | null>;
  /** An open dialog takes the keys: Escape closes it, and the bulk dialog takes a flag key. */
  overlay: "help" | "bulk" | null;
  closeOverlay(): void;
  flagSelection(reason: FlagReason): void;
  /** Runs one key's action on the grid; false when it did nothing, so the key keeps its default. */
  run(action: KeyAction): boolean;
}

/** The review grid's keyboard: one window listener that reads keys through the key table. */
export function useReviewKeys(keys: ReviewKeys): void {
  // The key table only changes with the class list, not on every key press or render.
  const actions = useMemo(() => keyActions(keys.classes), [keys.classes]);
  const latest = useRef({ ...keys, actions });
  useEffect(() => {
    latest.current = { ...keys, actions };
  });
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const { actions, grid, overlay, closeOverlay, flagSelection, run } = latest.current;
      const key = event.key;
      if (overlay) {
        if (key === "Escape") closeOverlay();
        else if (overlay === "bulk" && FLAG_KEYS[key]) flagSelection(FLAG_KEYS[key]);
        else return;
        event.preventDefault();
        return;
      }
      // Enter and Space keep their meaning on a button outside the grid or a filter's check box; other keys reach the grid.
      const onOtherControl = (event.target instanceof HTMLButtonElement && !grid.current?.contains(event.target)) || isToggle(event.target);
      if (onOtherControl && (key === "Enter" || key === " ")) return;
      const action = actions.get(key);
      if (action && run(action)) event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
