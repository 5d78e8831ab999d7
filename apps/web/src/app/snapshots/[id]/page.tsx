import { requirePageRole } from "~/auth/require-role.ts";
import { SnapshotDetail } from "~/components/curation/snapshot-detail.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import Link from "next/link";

import { EXPRESSION_CLASSES } from "@mien/model/classes";

export const metadata: Metadata = { title: "Snapshot" };

export default async function SnapshotPage({ params }: PageProps<"/snapshots/[id]">) {
  const { email, role } = await requirePageRole("admin");
  const { id } = await params;
  return (
    <>
      <SiteHeader email={email} role={role} current="/snapshots" />
      <main id="main" className="page page-wide">
        <p className="hint">
          <Link href="/snapshots">← All snapshots</Link>
        </p>
        <SnapshotDetail id={id} classes={[...EXPRESSION_CLASSES]} />
      </main>
    </>
  );
}
