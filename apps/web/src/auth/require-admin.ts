import { redirect } from "next/navigation";

import { roleAtLeast, roleOf } from "@mien/auth";

import { currentSession } from "./session.ts";

/** The signed-in admin's session, or a redirect to where this user belongs. */
export async function requireAdmin() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = roleOf(session.user);
  if (!roleAtLeast(role, "admin")) redirect(roleAtLeast(role, "curator") ? "/review" : "/");
  return { email: session.user.email, role };
}
