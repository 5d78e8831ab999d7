import { requireAdmin } from "~/auth/require-admin.ts";
import { ModelVersions } from "~/components/models/model-versions.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const { email, role } = await requireAdmin();
  return (
    <>
      <SiteHeader email={email} role={role} current="/admin/models" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Models</h1>
          <p className="lede">
            Every published version, evaluated as shipped (quantised). The coach page loads whichever version is active; promote a version or roll back, and
            clients pick the change up on their next load.
          </p>
        </div>
        <ModelVersions />
      </main>
    </>
  );
}
