import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { roleAtLeast, roleOf } from "@mien/auth";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { currentSession } from "../../auth/session.ts";
import { ReviewBoard } from "../../components/review/review-board.tsx";
import { SiteHeader } from "../../components/site-header.tsx";

export const metadata: Metadata = { title: "Review" };

export default async function ReviewPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = roleOf(session.user);
  // Data-set images are for curators; everyone else goes home.
  if (!roleAtLeast(role, "curator")) redirect("/");

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/review" />
      <main id="main" className="page page-wide">
        <div className="panel-head">
          <h1>Review</h1>
          <p className="lede">
            Keep the clear, correctly labelled faces. Flag unclear images, text over the face, no face or duplicates, and relabel mislabelled ones. Your
            decisions stay yours until consensus.
          </p>
        </div>
        {/* The class order is the model's output order, which the digit keys follow. */}
        <ReviewBoard classes={[...EXPRESSION_CLASSES]} />
      </main>
    </>
  );
}
