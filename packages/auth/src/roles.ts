/** Account roles, lowest first. Mirrors the `Role` enum in schema.prisma. */
export const ROLES = ["user", "curator", "admin"] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` grants at least what `needed` grants (user < curator < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** An account's role; a value the app does not know (an older or hand-edited row) counts as "user". */
export function roleOf(user: { role?: unknown }): Role {
  return isRole(user.role) ? user.role : "user";
}
