export { createAuth, SIGN_IN_ACCOUNT_LIMIT, SIGN_IN_LIMIT, type Auth, type AuthConfig, type Session } from "./auth.ts";
export { auth, getAuth, getSession } from "./instance.ts";
export { isRole, roleAtLeast, roleOf, ROLES, type Role } from "./roles.ts";
export { DEV_ONLY_AUTH_SECRET, resolveAuthSecret } from "./secret.ts";
export { createUserWithRole, type UserWithRoleInput, type UserWithRoleResult } from "./users.ts";
export { createAttemptLimit, type AttemptCounter } from "./attempt-limit.ts";
export { clientAddress } from "./client-address.ts";
