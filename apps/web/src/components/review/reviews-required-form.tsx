"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { useTRPC } from "../../trpc/react.tsx";

/** The admin setting "reviews required per image". */
export function ReviewsRequiredForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.admin.settings.get.queryOptions());
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState("");
  const save = useMutation(
    trpc.admin.settings.setReviewsRequired.mutationOptions({
      onSuccess: (result) => {
        setSaved(result.changed ? `Saved: ${result.value} review${result.value === 1 ? "" : "s"} per image.` : "Nothing changed.");
        setDraft(null);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.settings.get.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.review.conflicts.pathKey() });
      },
    }),
  );
  const value = draft ?? String(settings.data?.reviewsRequired ?? "");

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ value: Number(value) });
  }

  return (
    <form className="review-filters" aria-label="Consensus setting" onSubmit={submit}>
      <div className="field">
        <label htmlFor="reviews-required">Reviews required per image</label>
        <input
          id="reviews-required"
          type="number"
          min={1}
          max={10}
          required
          value={value}
          disabled={settings.isPending}
          onChange={(e) => setDraft(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={save.isPending || settings.isPending}>
        {save.isPending ? "Saving…" : "Save"}
      </button>
      <p className="hint" role="status" aria-live="polite">
        {save.isError ? `Not saved: ${save.error.message}` : saved}
      </p>
    </form>
  );
}
