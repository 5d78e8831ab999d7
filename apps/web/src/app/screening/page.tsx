import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { roleAtLeast, roleOf } from "@mien/auth";

import { currentSession } from "../../auth/session.ts";
import { ScreeningPanel } from "../../components/screening/screening-panel.tsx";
import { SiteHeader } from "../../components/site-header.tsx";

export const metadata: Metadata = { title: "Screening" };

export default async function ScreeningPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = roleOf(session.user);
  if (!roleAtLeast(role, "admin")) redirect(roleAtLeast(role, "curator") ? "/review" : "/");

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/screening" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Screening</h1>
          <p className="lede">
            Automatic screening looks at every image: near-duplicates, faces, text over the face, and labels a model trained on the rest of the set disagrees
            with. It flags what it finds; curators decide. Results appear as queues on the Review page.
          </p>
        </div>
        <ScreeningPanel />
      </main>
    </>
  );
}
