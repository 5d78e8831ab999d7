import { requireAdmin } from "~/auth/require-admin.ts";
import { SiteHeader } from "~/components/site-header.tsx";
import { TrainingForm } from "~/components/training/training-form.tsx";
import { TrainingJobs } from "~/components/training/training-jobs.tsx";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Training" };

export default async function TrainingPage() {
  const { email, role } = await requireAdmin();
  return (
    <>
      <SiteHeader email={email} role={role} current="/admin/training" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Training</h1>
          <p className="lede">
            Train an expression model on a frozen dataset snapshot: a head on a face backbone&apos;s cached embeddings (minutes), the backbone&apos;s top blocks
            fine-tuned, or a compact network trained from scratch on the faces. The result is evaluated and published as a new version; promote it on the Models
            page.
          </p>
        </div>
        <TrainingForm />
        <section aria-labelledby="jobs-heading" className="section">
          <h2 id="jobs-heading">Jobs</h2>
          <TrainingJobs />
        </section>
      </main>
    </>
  );
}
