"use client";

import { useEffect, useRef } from "react";

import { keyHelp } from "./review-keys.ts";

/** The list of every review key. Esc (handled by the board) or the button closes it. */
export function HelpOverlay({ classes, onClose }: { classes: readonly string[]; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="help-heading">
      <div className="overlay-card">
        <div className="overlay-head">
          <h2 id="help-heading">Keyboard shortcuts</h2>
          <button ref={close} type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
        <dl className="key-list">
          {keyHelp(classes).map((k) => (
            <div key={k.keys + k.does} className="key-row">
              <dt>
                <kbd>{k.keys}</kbd>
              </dt>
              <dd>{k.does}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
