import { currentSession } from "~/auth/session.ts";
import { SiteHeader } from "~/components/site-header.tsx";
import Link from "next/link";

import { roleOf } from "@mien/auth";

/** Any address Mien does not have (a mistyped link, a model card that is not there), inside the site's own frame. */
export default async function NotFound() {
  const session = await currentSession();
  const role = session ? roleOf(session.user) : undefined;
  return (
    <>
      <SiteHeader email={session?.user.email} role={role} current="" />
      <main id="main" className="page">
        <div className="panel">
          <h1>Page not found</h1>
          <p className="lede">Nothing is at this address: the link may be mistyped, or what it pointed to no longer exists.</p>
          <p>
            <Link href="/coach">Go to the coach</Link>, or choose a page above.
          </p>
        </div>
      </main>
    </>
  );
}
