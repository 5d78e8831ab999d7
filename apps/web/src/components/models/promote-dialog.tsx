"use client";

import { useEffect, useRef } from "react";

import { VersionComparison } from "./version-comparison.tsx";

type Version = { id: string; number: number; name: string };

/**
 * Before promoting or rolling back: the candidate against the active version on every pinned set,
 * with a warning when it is significantly worse. A roll back names what it undoes.
 */
export function PromoteDialog({
  candidate,
  active,
  sets,
  pending,
  error,
  onConfirm,
  onClose,
  rollback = false,
}: {
  candidate: Version;
  active: Version | null;
  sets: Array<{ id: string; name: string }>;
  pending: boolean;
  /** Why the last confirm failed, shown in the dialog (the page behind it is out of reach). */
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
  /** The candidate is the version before the active one (models.rollback), not one the admin picked. */
  rollback?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    // A modal <dialog>: the page behind it is inert (Tab stays inside), Esc closes it, and closing
    // gives focus back to the button that opened it.
    d.showModal();
    cancel.current?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="promote-heading" onClose={onClose}>
      <div className="overlay-card">
        <div className="overlay-head">
          <h2 id="promote-heading">
            {rollback ? "Roll back to" : "Promote"} version {candidate.number}
            {candidate.name ? ` (${candidate.name})` : ""}
            {rollback ? "?" : " to active?"}
          </h2>
        </div>
        {rollback && active ? (
          <p className="hint">
            Version {active.number} ({active.name}) stops being the active model, and version {candidate.number}, active before it, takes its place. Coaches
            switch to it the next time they check, within 30 seconds.
          </p>
        ) : null}
        {!active ? (
          <p className="hint">No version is active yet, so there is nothing to compare with.</p>
        ) : !sets.length ? (
          <p className="hint">
            No evaluation set is pinned, so version {candidate.number} cannot be compared with the active version {active.number} on the same images. Pin one
            below the table first.
          </p>
        ) : (
          sets.map((s) => (
            <section key={s.id} aria-label={`Against the active version on ${s.name}`}>
              <h3>
                On “{s.name}”: active v{active.number} (A) against v{candidate.number} (B)
              </h3>
              <VersionComparison setId={s.id} a={active.id} b={candidate.id} showFlips={false} />
            </section>
          ))
        )}
        {error ? (
          <p className="notice notice-error" role="alert">
            {rollback ? "Not rolled back" : "Not promoted"}: {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button" onClick={onConfirm} disabled={pending}>
            {rollback ? "Roll back to" : "Promote"} version {candidate.number}
          </button>
          {/* Closed as Escape closes it, so focus goes back to the button that opened it. */}
          <button type="button" ref={cancel} className="button button-quiet" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </div>
    </dialog>
  );
}
