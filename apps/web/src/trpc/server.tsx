import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";

import { appRouter, createContext } from "@mien/api";

import { makeQueryClient } from "./query-client.ts";

/** One query client per request, shared by every server component that prefetches. */
export const getQueryClient = cache(makeQueryClient);

/** Server-side tRPC: same procedures and access checks as the HTTP endpoint, called in-process. */
export const trpc = createTRPCOptionsProxy({
  router: appRouter,
  ctx: async () => createContext({ headers: await headers() }),
  queryClient: getQueryClient,
});

/** Hands the server's prefetched queries to the client components below. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
