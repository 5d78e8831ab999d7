import { requireAdmin } from "~/auth/require-admin.ts";
import { SiteHeader } from "~/components/site-header.tsx";
import { TrainingJob } from "~/components/training/training-job.tsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Training job" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function TrainingJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { email, role } = await requireAdmin();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  return (
    <>
      <SiteHeader email={email} role={role} current="/admin/training" />
      <main id="main" className="page page-wide">
        <p>
          <Link href="/admin/training">← All training jobs</Link>
        </p>
        <h1 className="visually-hidden">Training job</h1>
        <TrainingJob id={id} />
      </main>
    </>
  );
}
