import { requirePageRole } from "~/auth/require-role.ts";
import { ActivityList } from "~/components/curation/activity-list.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Audit trail" };

export default async function ReviewerAuditPage({ params }: PageProps<"/audit/[userId]">) {
  const { email, role } = await requirePageRole("admin");
  const { userId } = await params;
  return (
    <>
      <SiteHeader email={email} role={role} current="/audit" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <p className="hint">
            <Link href="/audit">← All reviewers</Link>
          </p>
          <h1>Audit trail</h1>
        </div>
        <ActivityList userId={decodeURIComponent(userId)} />
      </main>
    </>
  );
}
