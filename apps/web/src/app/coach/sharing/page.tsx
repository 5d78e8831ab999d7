import { currentSession } from "~/auth/session.ts";
import { SharingView } from "~/components/mentors/sharing-view.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { roleOf } from "@mien/auth";

export const metadata: Metadata = { title: "Sharing" };

/** Who can see your practice: invite a mentor, see who looked, revoke with one click. */
export default async function SharingPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in?next=%2Fcoach%2Fsharing");
  const role = roleOf(session.user);
  await getQueryClient().prefetchQuery(trpc.sharing.overview.queryOptions());

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/coach/sharing" />
      <main id="main" className="page">
        <div className="panel-head">
          <h1>Sharing your practice</h1>
          <p className="lede">Practise with someone you trust. You choose who sees your progress, and you can stop sharing at any moment.</p>
        </div>
        <HydrateClient>
          <SharingView />
        </HydrateClient>
      </main>
    </>
  );
}
