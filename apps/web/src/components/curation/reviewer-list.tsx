"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

import { useTRPC } from "../../trpc/react.tsx";

const number = new Intl.NumberFormat("en-US");
const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Curators and admins with how much each has done, each linking to their audit trail. */
export function ReviewerList() {
  const trpc = useTRPC();
  const query = useQuery(trpc.audit.reviewers.queryOptions());
  if (query.isPending) return <p className="status">Loading reviewers…</p>;
  if (query.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The reviewers could not be loaded: {query.error.message} Reload the page to try again.
      </p>
    );
  }
  if (query.data.length === 0) return <p className="status">No curators yet. An admin can give someone the curator role.</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Reviewers" tabIndex={0}>
      <table className="data-table">
        <caption className="visually-hidden">Reviewers and their activity</caption>
        <thead>
          <tr>
            <th scope="col">Reviewer</th>
            <th scope="col">Role</th>
            <th scope="col" className="num">
              Live decisions
            </th>
            <th scope="col" className="num">
              Audited actions
            </th>
            <th scope="col">Last action (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {query.data.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link href={`/audit/${encodeURIComponent(r.id)}`}>{r.name || r.email}</Link>
                <span className="hint"> {r.email}</span>
              </th>
              <td>{r.role}</td>
              <td className="num">{number.format(r.decisions)}</td>
              <td className="num">{number.format(r.actions)}</td>
              <td>{r.lastActionAt ? time.format(r.lastActionAt) : "never"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
