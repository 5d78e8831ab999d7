import { redirect } from "next/navigation";

import { roleAtLeast, roleOf } from "@mien/auth";

import { currentSession } from "../auth/session.ts";
import { DatasetSummary } from "../components/dataset-summary.tsx";
import { SiteHeader } from "../components/site-header.tsx";
import { getQueryClient, HydrateClient, trpc } from "../trpc/server.tsx";

export default async function HomePage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = roleOf(session.user);
  // Plain users land on the coach; curators and admins keep the data-set home.
  if (!roleAtLeast(role, "curator")) redirect("/coach");
  await getQueryClient().prefetchQuery(trpc.dataset.summary.queryOptions());

  return (
    <>
      <SiteHeader email={session.user.email} role={role} />
      <main id="main" className="page">
        <section className="panel" aria-labelledby="dataset-heading">
          <div className="panel-head">
            <h1 id="dataset-heading">Data set</h1>
            <p className="lede">Images per expression class, and how they are split for training, validation and testing.</p>
          </div>
          <HydrateClient>
            <DatasetSummary />
          </HydrateClient>
        </section>
      </main>
    </>
  );
}
