import type { Metadata } from "next";

import { roleOf } from "@mien/auth";

import { currentSession } from "../../auth/session.ts";
import { packagedBaseUrl } from "../../coach/packaged-models.ts";
import { CoachApp } from "../../components/coach/coach-app.tsx";
import { SiteHeader } from "../../components/site-header.tsx";
import { MANIFEST_URL } from "../../offline/manifest.ts";
import { getQueryClient, HydrateClient, trpc } from "../../trpc/server.tsx";

// The coach is the installable app: its page links the web app manifest.
export const metadata: Metadata = { title: "Coach", manifest: MANIFEST_URL };

const BACKENDS = new Set(["webgl", "wasm", "cpu"]);

/** The coach: open to everyone; signed-in users' scores are saved. `?backend=wasm` forces a TF.js backend. */
export default async function CoachPage({ searchParams }: PageProps<"/coach">) {
  const session = await currentSession();
  const role = session ? roleOf(session.user) : undefined;
  const requested = (await searchParams).backend;
  const backends = typeof requested === "string" ? requested.split(",").filter((b) => BACKENDS.has(b)) : undefined;
  if (session) await getQueryClient().prefetchQuery(trpc.coach.plan.queryOptions());
  const urls = { faceApi: packagedBaseUrl("face-api"), human: packagedBaseUrl("human"), wasm: packagedBaseUrl("tfjs-wasm") };

  return (
    <>
      <SiteHeader email={session?.user.email} role={role} current="/coach" />
      <main id="main" className="page page-wide">
        <HydrateClient>
          <CoachApp urls={urls} userId={session?.user.id ?? null} {...(backends?.length ? { backends } : {})} />
        </HydrateClient>
      </main>
    </>
  );
}
