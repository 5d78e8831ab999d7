import type { Metadata } from "next";

import { requirePageRole } from "../../auth/require-role.ts";
import { ReviewerList } from "../../components/curation/reviewer-list.tsx";
import { SiteHeader } from "../../components/site-header.tsx";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  const { email, role } = await requirePageRole("admin");
  return (
    <>
      <SiteHeader email={email} role={role} current="/audit" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Audit</h1>
          <p className="lede">
            Every decision, flag, undo, resolution, setting and snapshot is an append-only audit row. Pick a reviewer to see everything they did; an
            image&apos;s own trail is in its history on the review page (key <kbd>h</kbd>).
          </p>
        </div>
        <ReviewerList />
      </main>
    </>
  );
}
