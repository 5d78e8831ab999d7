"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { title } from "./review-keys.ts";

interface Props {
  imageId: string;
  label: string;
  classes: readonly string[];
  /** The class most curators suggested, preselected for a relabel. */
  suggested: string | null;
  /** The resolution version the admin sees (null: none yet), so a concurrent ruling is refused, not overwritten. */
  version: number | null;
  announce: (message: string) => void;
}

/** An admin's ruling on one conflicting image: keep its label, move it to a class, or remove it. */
export function ResolveForm({ imageId, label, classes, suggested, version, announce }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const others = classes.filter((c) => c !== label);
  const [target, setTarget] = useState(suggested && suggested !== label ? suggested : others[0]!);
  const [note, setNote] = useState("");
  const resolve = useMutation(
    trpc.review.resolve.mutationOptions({
      onSuccess: (result) => {
        announce(
          result.outcome === "remove"
            ? "Resolved: removed from the curated set."
            : result.outcome === "relabel"
              ? `Resolved: relabelled ${result.label}.`
              : `Resolved: kept as ${label}.`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.review.conflicts.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.review.history.queryKey({ imageId }) });
      },
      onError: (error) => announce(`Not resolved: ${error.message}`),
    }),
  );
  const send = (resolution: { outcome: "accept" } | { outcome: "remove" } | { outcome: "relabel"; label: (typeof classes)[number] }) =>
    resolve.mutate({ imageId, resolution: resolution as never, note: note.trim() || undefined, expectedVersion: version });

  return (
    <form className="resolve-form" aria-label={`Resolve image labelled ${label}`} onSubmit={(e) => e.preventDefault()}>
      {/* The note first: it goes with whichever ruling follows, so it is read before one is chosen. */}
      <div className="field resolve-note">
        <label htmlFor={`${id}-note`}>
          Note <span className="optional">(optional, kept in the audit trail)</span>
        </label>
        <input id={`${id}-note`} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="resolve-actions">
        <button type="button" className="button" disabled={resolve.isPending} onClick={() => send({ outcome: "accept" })}>
          Keep as {label}
        </button>
        <button type="button" className="button button-quiet" disabled={resolve.isPending} onClick={() => send({ outcome: "remove" })}>
          Remove
        </button>
      </div>
      <div className="resolve-relabel">
        <label htmlFor={`${id}-target`}>Relabel to</label>
        <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
          {others.map((c) => (
            <option key={c} value={c}>
              {title(c)}
            </option>
          ))}
        </select>
        <button type="button" className="button button-quiet" disabled={resolve.isPending} onClick={() => send({ outcome: "relabel", label: target })}>
          Relabel
        </button>
      </div>
    </form>
  );
}
