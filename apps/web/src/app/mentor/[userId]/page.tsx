import { currentSession } from "~/auth/session.ts";
import { LearnerProgress } from "~/components/mentors/learner-progress.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { roleOf } from "@mien/auth";

export const metadata: Metadata = { title: "Mentoring" };

/** One learner's practice, for their mentor. Access is checked by the API on every request. */
export default async function LearnerPage({ params }: PageProps<"/mentor/[userId]">) {
  const session = await currentSession();
  if (!session) redirect("/sign-in?next=%2Fmentor");
  const role = roleOf(session.user);
  const { userId } = await params;

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/mentor" />
      <main id="main" className="page">
        <LearnerProgress userId={decodeURIComponent(userId)} viewerId={session.user.id} />
      </main>
    </>
  );
}
