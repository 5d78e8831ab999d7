import { createAuthClient } from "better-auth/client";

/** Browser side of Better Auth; same origin, so no base URL is needed. */
export const authClient = createAuthClient();
