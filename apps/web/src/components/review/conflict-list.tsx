"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/react.tsx";
import { decisionText } from "./review-keys.ts";

/** The admin's queue of images whose reviewers disagree, each with every curator's decision. */
export function ConflictList() {
  const trpc = useTRPC();
  const query = useInfiniteQuery(trpc.review.conflicts.infiniteQueryOptions({}, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  if (query.isPending) return <p className="status">Loading conflicts…</p>;
  if (query.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The conflicts could not be loaded: {query.error.message} Reload the page to try again.
      </p>
    );
  }
  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <p className="status">No conflicts: every reviewed image has agreeing decisions.</p>;
  return (
    <section aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading" className="visually-hidden">
        Conflicts
      </h2>
      <ul className="conflict-list" aria-label="Conflicting images">
        {items.map((item) => (
          <li key={item.id} className="conflict" data-image-id={item.id}>
            {/* A plain img: the route is private and cached. */}
            <img src={`/api/images/${item.id}/thumb`} alt={`Image labelled ${item.label}`} width={96} height={96} />
            <div>
              <p className="conflict-label">
                Labelled <strong>{item.label}</strong> · {item.status.reviews} reviews
              </p>
              <ul className="conflict-decisions">
                {item.decisions.map((d) => (
                  <li key={d.curator.id}>
                    <span className="history-who">{d.curator.name || d.curator.email}:</span> {decisionText(d)}
                  </li>
                ))}
              </ul>
            </div>
          </li>
        ))}
      </ul>
      {query.hasNextPage ? (
        <button type="button" className="button button-quiet load-more" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}
