import { toNextJsHandler } from "better-auth/next-js";

import { auth } from "@mien/auth";

export const { GET, POST } = toNextJsHandler(auth);
