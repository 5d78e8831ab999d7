import { currentSession } from "~/auth/session.ts";
import { ConflictList } from "~/components/review/conflict-list.tsx";
import { ReviewsRequiredForm } from "~/components/review/reviews-required-form.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { roleAtLeast, roleOf } from "@mien/auth";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

export const metadata: Metadata = { title: "Review conflicts" };

export default async function ConflictsPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = roleOf(session.user);
  if (!roleAtLeast(role, "admin")) redirect(roleAtLeast(role, "curator") ? "/review" : "/");

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/review/conflicts" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Review conflicts</h1>
          <p className="lede">
            Images that enough curators have reviewed but who disagree. Each curator&apos;s decision is shown; your ruling (keep, relabel or remove) decides the
            image and is kept in its audit trail.
          </p>
        </div>
        <ReviewsRequiredForm />
        <ConflictList classes={[...EXPRESSION_CLASSES]} />
      </main>
    </>
  );
}
