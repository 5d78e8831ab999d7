import { currentSession } from "~/auth/session.ts";
import { AcceptInvitation } from "~/components/mentors/accept-invitation.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import type { Metadata } from "next";

import { roleOf } from "@mien/auth";

export const metadata: Metadata = { title: "Accept an invitation", referrer: "no-referrer" };

/** Where an invitation link leads (the code rides in the fragment, which never reaches the server). */
export default async function AcceptPage() {
  const session = await currentSession();
  const role = session ? roleOf(session.user) : undefined;
  return (
    <>
      <SiteHeader email={session?.user.email} role={role} current="/mentor" />
      <main id="main" className="page">
        <div className="panel-head">
          <h1>Become someone&apos;s mentor</h1>
          <p className="lede">Someone invited you to follow their practice with Mien.</p>
        </div>
        <AcceptInvitation signedIn={Boolean(session)} />
      </main>
    </>
  );
}
