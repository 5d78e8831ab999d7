import type { ReactNode } from "react";

import { FLAG_KEYS, FLAG_TEXT, shortcutOf, suggestionOf, title, type KeyAction, type ReviewItem } from "./review-keys.ts";

type BarCommand = "accept" | "suggest" | "undo" | "select" | "bulk";
const command = (c: BarCommand): KeyAction => ({ kind: "command", command: c });

export interface DecisionBarProps {
  item: ReviewItem;
  /** The image's number in the grid, as the announcer says it. */
  number: number;
  classes: readonly string[];
  isSelected: boolean;
  selectedCount: number;
  /** The board's own key handler: a button does exactly what its key does. */
  run(action: KeyAction): void;
}

/**
 * The review decisions as buttons, for a pointer or a touch screen: each runs the same action as
 * its key (shown beside it), so a click moves on to the next image just as the key does.
 */
export function DecisionBar({ item, number, classes, isSelected, selectedCount, run }: DecisionBarProps) {
  const suggestion = suggestionOf(item);
  const act = (action: KeyAction, children: ReactNode, primary = false) => (
    <ActionButton key={JSON.stringify(action)} action={action} classes={classes} run={run} primary={primary}>
      {children}
    </ActionButton>
  );
  return (
    <section className="decision-bar" aria-label={`Decide on #${number}`}>
      <div className="decision-group">
        {act(command("accept"), `Keep as ${item.label}`, true)}
        {suggestion ? act(command("suggest"), `Relabel as ${suggestion} (suggested)`) : null}
        {item.myDecision ? act(command("undo"), "Undo my decision") : null}
      </div>
      <div className="decision-group" role="group" aria-labelledby="relabel-heading">
        <h3 id="relabel-heading">Relabel as</h3>
        {classes.filter((label) => label !== item.label).map((label) => act({ kind: "relabel", label }, title(label)))}
      </div>
      <div className="decision-group" role="group" aria-labelledby="flag-heading">
        <h3 id="flag-heading">Flag</h3>
        {Object.values(FLAG_KEYS).map((reason) => act({ kind: "flag", reason }, title(FLAG_TEXT[reason])))}
      </div>
      <div className="decision-group">
        {act(command("select"), isSelected ? `Unselect #${number}` : `Select #${number}`)}
        {selectedCount > 0 ? act(command("bulk"), `Flag ${selectedCount} selected…`) : null}
      </div>
    </section>
  );
}

function ActionButton(props: { action: KeyAction; classes: readonly string[]; run(action: KeyAction): void; primary: boolean; children: ReactNode }) {
  const key = shortcutOf(props.action, props.classes);
  return (
    <button
      type="button"
      className={props.primary ? "button" : "button button-quiet"}
      aria-keyshortcuts={key ?? undefined}
      onClick={() => props.run(props.action)}
    >
      {props.children}
      {key ? <kbd aria-hidden="true">{key}</kbd> : null}
    </button>
  );
}
