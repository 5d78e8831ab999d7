import { currentSession } from "~/auth/session.ts";
import { ProgressView } from "~/components/coach/progress-view.tsx";
import { MyPlan } from "~/components/plans/my-plan.tsx";
import { SiteHeader } from "~/components/site-header.tsx";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server.tsx";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { roleOf } from "@mien/auth";

export const metadata: Metadata = { title: "Progress" };

export default async function ProgressPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in?next=%2Fcoach%2Fprogress");
  const role = roleOf(session.user);
  await Promise.all([getQueryClient().prefetchQuery(trpc.coach.progress.queryOptions()), getQueryClient().prefetchQuery(trpc.coach.plan.queryOptions())]);

  return (
    <>
      <SiteHeader email={session.user.email} role={role} current="/coach/progress" />
      <main id="main" className="page">
        <div className="panel-head">
          <h1>Your progress</h1>
          <p className="lede">
            Your practice scores per expression over time. Only scores are kept, never pictures; only you see them, and the mentors you invite on{" "}
            <Link href="/coach/sharing">Sharing</Link>.
          </p>
        </div>
        <HydrateClient>
          <MyPlan viewerId={session.user.id} />
          <div className="section">
            <ProgressView />
          </div>
        </HydrateClient>
      </main>
    </>
  );
}
