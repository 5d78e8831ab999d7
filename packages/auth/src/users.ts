import { audit, getDb, type Db } from "@mien/db";

import type { Auth } from "./auth.ts";
import { getAuth } from "./instance.ts";
import type { Role } from "./roles.ts";

export interface UserWithRoleInput {
  email: string;
  /** Needed to create a user; for an existing one it replaces the password when given. */
  password?: string;
  name?: string;
  role: Role;
}

export interface UserWithRoleResult {
  id: string;
  email: string;
  role: Role;
  created: boolean;
}

/**
 * Creates a user through Better Auth's own sign-up (so the password is hashed
 * exactly as sign-in expects), then sets the role, which sign-up can never set.
 * Idempotent on email: an existing user gets the role and, if given, the password.
 * Role changes are written to the audit log with no actor (a command-line or seeding action).
 */
export async function createUserWithRole(input: UserWithRoleInput, deps: { auth?: Auth; db?: Db } = {}): Promise<UserWithRoleResult> {
  const auth = deps.auth ?? getAuth();
  const ctx = await auth.$context;
  const db = deps.db ?? getDb();
  const email = input.email.trim().toLowerCase();
  const { minPasswordLength, maxPasswordLength } = ctx.password.config;
  if (input.password !== undefined && (input.password.length < minPasswordLength || input.password.length > maxPasswordLength)) {
    throw new Error(`The password must be ${minPasswordLength} to ${maxPasswordLength} characters long.`);
  }

  const existing = await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: true });
  if (!existing) {
    if (!input.password) throw new Error(`There is no user ${email} yet; give a password to create one.`);
    const signedUp = await auth.api.signUpEmail({
      body: { email, password: input.password, name: input.name ?? email.split("@")[0] ?? email },
    });
    // Sign-up also signs in; a user created from the command line should not have a live session.
    if (signedUp.token) await ctx.internalAdapter.deleteSession(signedUp.token);
    await db.$transaction([
      db.user.update({ where: { id: signedUp.user.id }, data: { role: input.role } }),
      audit(db, { actorId: null, action: "user.create", entityType: "user", entityId: signedUp.user.id, after: { email, role: input.role } }),
    ]);
    return { id: signedUp.user.id, email, role: input.role, created: true };
  }

  const { user, accounts } = existing;
  const before = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true } });
  await db.$transaction([
    db.user.update({
      where: { id: user.id },
      data: { role: input.role, ...(input.name ? { name: input.name } : {}) },
    }),
    ...(before.role === input.role
      ? []
      : [
          audit(db, {
            actorId: null,
            action: "user.set_role",
            entityType: "user",
            entityId: user.id,
            before: { role: before.role },
            after: { role: input.role },
          }),
        ]),
  ]);
  if (input.password) {
    const hash = await ctx.password.hash(input.password);
    if (accounts.some((a) => a.providerId === "credential")) {
      await ctx.internalAdapter.updatePassword(user.id, hash);
    } else {
      await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: hash });
    }
  }
  return { id: user.id, email, role: input.role, created: false };
}
