"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";
import { ClassBalanceChart } from "./class-balance-chart.tsx";
import { dropText } from "./snapshot-text.ts";

const number = new Intl.NumberFormat("en-US");
const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** One snapshot: what it holds, how it was frozen, its class balance and its exports. */
export function SnapshotDetail({ id, classes }: { id: string; classes: readonly string[] }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.snapshots.get.queryOptions({ id }));
  if (query.isPending) return <p className="status">Loading the snapshot…</p>;
  if (query.isError) {
    return (
      <p className="notice notice-error" role="alert">
        {query.error.message}
      </p>
    );
  }
  const s = query.data;
  const exportUrl = (format: "tar" | "csv") => `/api/snapshots/${s.id}/export?format=${format}`;
  return (
    <>
      <div className="panel-head">
        <h1>{s.name}</h1>
        <p className="lede">
          Frozen {time.format(s.createdAt)} UTC by {s.createdBy.name || s.createdBy.email}. A snapshot never changes: training runs pin it by this id and
          content hash.
        </p>
      </div>
      <dl className="stats">
        <div className="stat">
          <dt>Images</dt>
          <dd data-testid="snapshot-images">{number.format(s.imageCount)}</dd>
        </div>
        <div className="stat">
          <dt>Reviews required</dt>
          <dd>{s.reviewsRequired}</dd>
        </div>
        <div className="stat">
          <dt>Training runs</dt>
          <dd>{number.format(s._count.trainingJobs)}</dd>
        </div>
      </dl>
      <dl className="snapshot-facts">
        <div>
          <dt>Content hash</dt>
          <dd>
            <code data-testid="snapshot-hash">{s.contentHash}</code>
          </dd>
        </div>
        <div>
          <dt>Left out</dt>
          <dd data-testid="snapshot-dropped">{dropText(s.dropped, s.reviewedOnly)}</dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>
            <code>{s.id}</code>
          </dd>
        </div>
      </dl>
      <div className="snapshot-exports" role="group" aria-label="Export">
        {/* Plain links: the route streams the file, and the browser downloads it. */}
        <a className="button" href={exportUrl("tar")} download>
          Download class folders (.tar)
        </a>
        <a className="button button-quiet" href={exportUrl("csv")} download>
          Download CSV
        </a>
      </div>
      <ClassBalanceChart counts={s.classCounts as Record<string, Record<string, number>>} classes={classes} />
    </>
  );
}
