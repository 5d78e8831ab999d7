"use client";

import { useId, useRef, useState, type FormEvent } from "react";

import type { PracticePlanInput, PracticePlanView } from "@mien/api";
import { EXPRESSION_CLASSES, type ExpressionClass } from "@mien/model";

import { useRescueFocus } from "../use-rescue-focus.ts";
import { capitalise, HOLD_CHOICES } from "./plan-text.ts";
import { useReadableClasses } from "./use-readable-classes.ts";

export interface PlanEditorProps {
  /** The plan now in force, to start from. */
  plan: PracticePlanView | null;
  /** Whose plan it is, for the labels: "your" or the learner's name. */
  whose: string;
  saving: boolean;
  error: string | null;
  onSave(plan: PracticePlanInput | null): void;
  onCancel?(): void;
}

/**
 * Keeps a keyboard user's place as the editor opens and closes: its button goes away when it
 * opens, so focus moves to the editor's first choice, and back to the button (returned here, for
 * the caller's ref) once it is saved or cancelled.
 */
export function usePlanEditorFocus(editing: boolean) {
  const button = useRef<HTMLButtonElement | null>(null);
  useRescueFocus(() => (editing ? document.querySelector<HTMLElement>('[data-testid="plan-editor"] input') : button.current), editing);
  return button;
}

/** Target expressions (in order of choosing), hold time and sessions a week; keyboard and screen-reader friendly. */
export function PlanEditor({ plan, whose, saving, error, onSave, onCancel }: PlanEditorProps) {
  const [targets, setTargets] = useState<ExpressionClass[]>(plan?.targets ?? []);
  const [holdMs, setHoldMs] = useState<number>(plan?.holdMs ?? 2000);
  const [sessions, setSessions] = useState<string>(String(plan?.sessionsPerWeek ?? 3));
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { hold: useId(), sessions: useId(), error: useId(), unreadable: useId() };
  const readable = useReadableClasses();
  const unreadable = readable ? EXPRESSION_CLASSES.filter((c) => !readable.includes(c)) : [];
  // Such a plan can be saved (for a later model), but nothing in it can be practised today.
  const allWaiting = targets.length > 0 && targets.every((t) => unreadable.includes(t));

  const toggle = (c: ExpressionClass, on: boolean) => {
    setTargets((list) => (on ? [...list, c] : list.filter((t) => t !== c)));
    // A problem about the choice is stale once the choice changes.
    setProblem(null);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const perWeek = Number(sessions);
    if (targets.length === 0) return setProblem("Pick at least one expression to practise.");
    if (!Number.isInteger(perWeek) || perWeek < 1 || perWeek > 21) return setProblem("Sessions a week must be a whole number from 1 to 21.");
    setProblem(null);
    onSave({ targets, holdMs, sessionsPerWeek: perWeek });
  }

  const shown = problem ?? error;
  return (
    // noValidate: the form's own check names the problem in the page (the browser's bubble stopped it, under a stale message).
    <form className="plan-editor" noValidate onSubmit={submit} aria-describedby={shown ? ids.error : undefined} data-testid="plan-editor">
      <fieldset className="fieldset">
        <legend>Expressions to practise</legend>
        <div className="check-row">
          {EXPRESSION_CLASSES.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={targets.includes(c)}
                onChange={(e) => toggle(c, e.target.checked)}
                aria-describedby={unreadable.includes(c) ? ids.unreadable : undefined}
              />
              {capitalise(c)}
              {unreadable.includes(c) ? <span className="hint"> (cannot be read yet)</span> : null}
            </label>
          ))}
        </div>
        {unreadable.length ? (
          <p className="hint" id={ids.unreadable} data-testid="plan-editor-unreadable">
            {unreadable.map(capitalise).join(" and ")}: the model running now cannot read {unreadable.length === 1 ? "this expression" : "these expressions"}{" "}
            yet. A plan can still name {unreadable.length === 1 ? "it" : "them"}; {unreadable.length === 1 ? "it waits" : "they wait"} until Mien runs one that
            does.
          </p>
        ) : null}
        {allWaiting ? (
          <p className="notice" role="status" data-testid="plan-editor-waits">
            Nothing in this plan can be practised yet: it waits until Mien runs a model that reads {targets.join(" and ")}. Add an expression to practise now.
          </p>
        ) : null}
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.hold}>Hold each for</label>
          <select id={ids.hold} value={holdMs} onChange={(e) => setHoldMs(Number(e.target.value))}>
            {HOLD_CHOICES.map((ms) => (
              <option key={ms} value={ms}>
                {ms / 1000} s
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.sessions}>Sessions a week</label>
          <input
            id={ids.sessions}
            className="input-narrow"
            type="number"
            inputMode="numeric"
            min={1}
            max={21}
            value={sessions}
            onChange={(e) => setSessions(e.target.value)}
          />
        </div>
      </div>
      {shown ? (
        <p id={ids.error} className="notice notice-error" role="alert">
          {shown}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? "Saving…" : `Save ${whose} plan`}
        </button>
        {plan ? (
          <button type="button" className="button button-quiet" disabled={saving} onClick={() => onSave(null)}>
            Remove the plan
          </button>
        ) : null}
        {onCancel ? (
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
