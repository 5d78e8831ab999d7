import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { isRole } from "@mien/auth";
import { currentSession } from "../../../auth/session.ts";
import { ProgressView } from "../../../components/coach/progress-view.tsx";
import { SiteHeader } from "../../../components/site-header.tsx";
import { getQueryClient, HydrateClient, trpc } from "../../../trpc/server.tsx";

export const metadata: Metadata = { title: "Progress" };

export default async function ProgressPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = isRole(session.user.role) ? session.user.role : "user";
  await getQueryClient().prefetchQuery(trpc.coach.progress.queryOptions());

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/coach/progress" />
      <main id="main" className="page">
        <div className="panel-head">
          <h1>Your progress</h1>
          <p className="lede">Your practice scores per expression over time. Only you can see them, and only scores are kept, never pictures.</p>
        </div>
        <HydrateClient>
          <ProgressView />
        </HydrateClient>
      </main>
    </>
  );
}
