"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { dropText } from "./snapshot-text.ts";

const number = new Intl.NumberFormat("en-US");
const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** The freeze form and every snapshot, newest first. */
export function SnapshotList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.snapshots.list.queryOptions());
  const [name, setName] = useState("");
  const [reviewedOnly, setReviewedOnly] = useState(false);
  const [result, setResult] = useState<{ id: string; text: string } | null>(null);
  const create = useMutation(
    trpc.snapshots.create.mutationOptions({
      onSuccess: ({ snapshot, created }) => {
        setResult({
          id: snapshot.id,
          text: created
            ? `Froze “${snapshot.name}”: ${number.format(snapshot.imageCount)} images.`
            : `Nothing changed since “${snapshot.name}”: that snapshot already holds exactly this content.`,
        });
        setName("");
        void queryClient.invalidateQueries({ queryKey: trpc.snapshots.list.queryKey() });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    create.mutate({ name: name.trim() || undefined, reviewedOnly });
  }

  return (
    <>
      <form className="review-filters snapshot-form" aria-label="Freeze a snapshot" onSubmit={submit}>
        <div className="field">
          <label htmlFor="snapshot-name">
            Name <span className="optional">(optional)</span>
          </label>
          <input id="snapshot-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. After the March review" />
        </div>
        <label className="check">
          <input type="checkbox" checked={reviewedOnly} onChange={(e) => setReviewedOnly(e.target.checked)} />
          Reviewed images only
        </label>
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Freezing…" : "Freeze the curated set"}
        </button>
        <p className="hint snapshot-form-result" role="status" aria-live="polite">
          {create.isError ? (
            <span className="inline-error">Not frozen: {create.error.message}</span>
          ) : result ? (
            <>
              {result.text} <Link href={`/snapshots/${result.id}`}>Open it</Link>
            </>
          ) : (
            ""
          )}
        </p>
      </form>
      {list.isPending ? (
        <p className="status">Loading snapshots…</p>
      ) : list.isError ? (
        <p className="notice notice-error" role="alert">
          The snapshots could not be loaded: {list.error.message} Reload the page to try again.
        </p>
      ) : list.data.length === 0 ? (
        <p className="status">No snapshots yet. Freeze the curated set to make the first one.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Snapshots" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Snapshots, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Snapshot</th>
                <th scope="col">Frozen (UTC)</th>
                <th scope="col" className="num">
                  Images
                </th>
                <th scope="col">Left out</th>
                <th scope="col">Content hash</th>
                <th scope="col" className="num">
                  Training runs
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id} data-snapshot-id={s.id}>
                  <th scope="row" className="cell-name">
                    <Link href={`/snapshots/${s.id}`}>{s.name}</Link>
                  </th>
                  <td>
                    {time.format(s.createdAt)} <span className="hint">by {s.createdBy.name || s.createdBy.email}</span>
                  </td>
                  <td className="num">{number.format(s.imageCount)}</td>
                  <td>{dropText(s.dropped, s.reviewedOnly)}</td>
                  <td>
                    <code>{s.contentHash.slice(0, 12)}</code>
                  </td>
                  <td className="num">{number.format(s._count.trainingJobs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
