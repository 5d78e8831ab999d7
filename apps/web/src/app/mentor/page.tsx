import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { roleOf } from "@mien/auth";

import { currentSession } from "../../auth/session.ts";
import { LearnerList } from "../../components/mentors/learner-list.tsx";
import { SiteHeader } from "../../components/site-header.tsx";

export const metadata: Metadata = { title: "Mentoring" };

/** The people who share their practice with you, each with plan and results. */
export default async function MentorPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in?next=%2Fmentor");
  const role = roleOf(session.user);

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/mentor" />
      <main id="main" className="page">
        <div className="panel-head">
          <h1>Mentoring</h1>
          <p className="lede">
            The people who invited you to follow their practice. You see their scores, sessions and plans, never a picture; each time you look is recorded, and
            they can stop sharing at any time.
          </p>
        </div>
        <LearnerList />
        <p className="section">
          Have an invitation code? <Link href="/mentor/accept">Accept an invitation</Link>.
        </p>
      </main>
    </>
  );
}
