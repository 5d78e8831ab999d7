import { redirect } from "next/navigation";

import { roleAtLeast, roleOf, type Role } from "@mien/auth";

import { currentSession } from "./session.ts";

/** The signed-in user of a page that needs `role`; others go to sign-in, or to the page their role allows. */
export async function requirePageRole(role: Role): Promise<{ email: string; role: Role }> {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const actual = roleOf(session.user);
  if (!roleAtLeast(actual, role)) redirect(roleAtLeast(actual, "curator") ? "/review" : "/");
  return { email: session.user.email, role: actual };
}
