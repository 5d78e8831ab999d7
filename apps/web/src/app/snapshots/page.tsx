import type { Metadata } from "next";

import { requirePageRole } from "../../auth/require-role.ts";
import { SnapshotList } from "../../components/curation/snapshot-list.tsx";
import { SiteHeader } from "../../components/site-header.tsx";

export const metadata: Metadata = { title: "Snapshots" };

export default async function SnapshotsPage() {
  const { email, role } = await requirePageRole("admin");
  return (
    <>
      <SiteHeader email={email} role={role} current="/snapshots" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Snapshots</h1>
          <p className="lede">
            Freeze the curated set into an immutable snapshot for training. Each image counts by its consensus or your ruling: accepted and relabelled images
            are kept, removed and flagged ones and unresolved conflicts are left out. Images not yet reviewed enough are kept with their current label unless
            you choose reviewed images only.
          </p>
        </div>
        <SnapshotList />
      </main>
    </>
  );
}
