import { requirePageRole } from "~/auth/require-role.ts";
import { AgreementTable } from "~/components/curation/agreement-table.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Agreement" };

export default async function AgreementPage() {
  const { email, role } = await requirePageRole("admin");
  return (
    <>
      <SiteHeader email={email} role={role} current="/review/agreement" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Agreement between curators</h1>
          <p className="lede">
            Fleiss&apos; kappa over what curators decided (keep, remove, or relabel to a class) on images that two or more of them reviewed independently: 1 is
            perfect agreement, 0 is what chance alone would give. A class is the image&apos;s current label.
          </p>
        </div>
        <AgreementTable />
      </main>
    </>
  );
}
