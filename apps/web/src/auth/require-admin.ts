import { redirect } from "next/navigation";

import { isRole, roleAtLeast } from "@mien/auth";

import { currentSession } from "./session.ts";

/** The signed-in admin's session, or a redirect to where this user belongs. */
export async function requireAdmin() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const role = isRole(session.user.role) ? session.user.role : "user";
  if (!roleAtLeast(role, "admin")) redirect(roleAtLeast(role, "curator") ? "/review" : "/");
  return { email: session.user.email, role };
}
