"use client";

import { useQuery } from "@tanstack/react-query";

/** The version's card.md, served by the registry route (immutable, so cached by the browser). */
export function ModelCard({ contentHash }: { contentHash: string }) {
  const card = useQuery({
    queryKey: ["model-card", contentHash],
    queryFn: async () => {
      const res = await fetch(`/api/models/${contentHash}/card.md`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.text();
    },
    staleTime: Infinity,
  });
  return (
    <details className="model-card">
      <summary>Model card</summary>
      {card.isPending ? (
        <p className="status">Loading…</p>
      ) : card.isError ? (
        <p className="notice notice-error">The model card could not be loaded ({card.error.message}).</p>
      ) : (
        <pre className="card-text">{card.data}</pre>
      )}
    </details>
  );
}
