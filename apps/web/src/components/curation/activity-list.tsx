"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";

import { useTRPC } from "../../trpc/react.tsx";
import { actionText, changeText } from "./activity-text.ts";

const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** One person's audit trail, newest first, straight from the append-only audit log. */
export function ActivityList({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(trpc.audit.activity.infiniteQueryOptions({ userId }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  if (query.isPending) return <p className="status">Loading the audit trail…</p>;
  if (query.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The audit trail could not be loaded: {query.error.message}
      </p>
    );
  }
  const { user } = query.data.pages[0]!;
  const items = query.data.pages.flatMap((p) => p.items);
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">
        {user.name || user.email}{" "}
        <span className="hint">
          ({user.email}, {user.role})
        </span>
      </h2>
      {items.length === 0 ? (
        <p className="status">No audited actions yet.</p>
      ) : (
        <ol className="activity-list" aria-label={`Actions by ${user.name || user.email}, newest first`}>
          {items.map((e) => (
            <li key={e.id} className="history-entry activity-entry" data-action={e.action} data-image-id={e.imageId ?? undefined}>
              {e.imageId ? <img src={`/api/images/${e.imageId}/thumb`} alt="" width={48} height={48} loading="lazy" /> : <span aria-hidden="true" />}
              <div>
                <span className="history-action">{actionText(e.action)}</span>{" "}
                {e.action === "snapshot.create" ? (
                  <Link href={`/snapshots/${e.entityId}`}>snapshot</Link>
                ) : e.imageId ? (
                  <span className="history-who">image {e.imageId.slice(0, 8)}</span>
                ) : null}
                <time className="history-when" dateTime={e.createdAt.toISOString()}>
                  {" "}
                  {time.format(e.createdAt)} UTC
                </time>
                <span className="history-change">{changeText(e)}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
      {query.hasNextPage ? (
        <button type="button" className="button button-quiet load-more" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}
