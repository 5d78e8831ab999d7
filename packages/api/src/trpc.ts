import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";

import { getSession, roleAtLeast, roleOf, type Role } from "@mien/auth";
import { getDb, type Db } from "@mien/db";
import { AppError, type AppErrorCode } from "@mien/errors";
import type { Storage } from "@mien/storage";

import { processQueues, type ApiQueues } from "./queues.ts";

/** Who may call a procedure. Every procedure declares one (see procedurePolicy). */
export type ProcedureRole = "public" | Role;

/**
 * A relation between the caller and the account a procedure's input names, checked on top of the
 * role. "mentor": the caller must hold a live mentor grant from `input.userId`.
 */
export type ProcedureRelation = "mentor";

export interface Meta {
  role: ProcedureRole;
  relation?: ProcedureRelation;
}

/** The part of a Better Auth session that the API relies on. */
export interface ApiSession {
  user: { id: string; email: string; name: string; role: Role };
}

export interface Context {
  db: Db;
  session: ApiSession | null;
  headers: Headers;
  /** Where snapshot manifests go; when absent, the storage the environment names (see snapshots/storage.ts). */
  storage?: Storage | undefined;
  /** The queues jobs go to; when absent, this process's (see queues.ts). Procedures read `ctx.queues`. */
  queues?: Partial<ApiQueues> | undefined;
}

/** Builds the per-request context: the caller's session comes from the request's cookie. */
export async function createContext(opts: { headers: Headers; db?: Db }): Promise<Context> {
  const found = await getSession(opts.headers);
  const session: ApiSession | null = found
    ? {
        user: {
          id: found.user.id,
          email: found.user.email,
          name: found.user.name,
          // The column is an enum; anything else would be a bug, so grant the least.
          role: roleOf(found.user),
        },
      }
    : null;
  return { db: opts.db ?? getDb(), session, headers: opts.headers };
}

/** The one place domain errors meet the transport: each AppError code and the tRPC code it answers with. */
const TRPC_CODE_OF: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_OF[error.code], message: error.message, cause: error });
}

// The rest of the repository reaches tRPC's server side only through this file and routers/
// (trpc-boundary.test.ts checks it): the error class for tests, the adapters, the router types.
export { TRPCError };
export { fetchRequestHandler } from "@trpc/server/adapters/fetch";
export { createHTTPServer } from "@trpc/server/adapters/standalone";
export type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null;
      return { ...shape, data: { ...shape.data, zodError } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Maps the AppErrors a procedure throws, for HTTP clients and server-side callers alike (an
 * errorFormatter alone would only change what goes over the wire: createCaller would still see
 * INTERNAL_SERVER_ERROR), and gives every procedure `ctx.queues`: the context's, else this
 * process's. Every builder below starts from this procedure.
 */
const procedure = t.procedure.use(async ({ ctx, next }) => {
  const result = await next({ ctx: { queues: processQueues(ctx.queues) } });
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

/** Checks that a procedure's meta still names its builder's role and relation, so procedurePolicy never lies. */
function assertDeclared(meta: Meta | undefined, role: ProcedureRole, path: string, relation?: ProcedureRelation): void {
  if (meta?.role !== role || meta.relation !== relation) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `Procedure ${path} declares role "${meta?.role}"${meta?.relation ? ` and relation "${meta.relation}"` : ""} but is built on the ${relation ?? role} builder; use the matching builder.`,
    });
  }
}

const declaredPublic = t.middleware(({ meta, path, next }) => {
  assertDeclared(meta, "public", path);
  return next();
});

/** Lets the call through only for a signed-in user whose role is at least `role`. */
function requireRole(role: Role, relation?: ProcedureRelation) {
  return t.middleware(({ ctx, meta, path, next }) => {
    assertDeclared(meta, role, path, relation);
    const session = ctx.session;
    if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    if (!roleAtLeast(session.user.role, role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${role} role; you are signed in as ${session.user.role}. Ask an admin for access.`,
      });
    }
    return next({ ctx: { session } });
  });
}

// The only ways to build a procedure. `t.procedure` itself is not exported, so each
// procedure carries its role both as meta (for procedurePolicy) and as enforcement.
export const publicProcedure = procedure.meta({ role: "public" }).use(declaredPublic);
export const userProcedure = procedure.meta({ role: "user" }).use(requireRole("user"));
export const curatorProcedure = procedure.meta({ role: "curator" }).use(requireRole("curator"));
export const adminProcedure = procedure.meta({ role: "admin" }).use(requireRole("admin"));

/** Names the learner whose practice a mentor procedure reads or changes. */
export const learnerInput = z.object({ userId: z.string().min(1).max(64) });

/**
 * A signed-in account acting as the mentor of `input.userId`: refused unless that user granted
 * the caller access and has not revoked it. The grant is read on every call, so a revoke takes
 * effect on the mentor's next request. Roles grant nothing here: an admin is nobody's mentor by
 * being an admin.
 */
export const mentorProcedure = procedure
  .meta({ role: "user", relation: "mentor" })
  .use(requireRole("user", "mentor"))
  .input(learnerInput)
  .use(async ({ ctx, input, next }) => {
    const grant = await ctx.db.mentorGrant.findFirst({
      where: { userId: input.userId, mentorId: ctx.session.user.id, revokedAt: null },
      select: { id: true, grantedAt: true },
    });
    if (!grant) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "You cannot see this person's practice: they have not invited you as their mentor, or they have stopped sharing it with you.",
      });
    }
    return next({ ctx: { grant } });
  });

export interface ProcedurePolicy {
  path: string;
  type: "query" | "mutation" | "subscription";
  role: ProcedureRole | undefined;
  relation: ProcedureRelation | undefined;
}

interface ProcedureLike {
  _def: { type: ProcedurePolicy["type"]; meta?: Partial<Meta> };
}

/** Every procedure of a router with the role it declares, for tests and review. */
export function procedurePolicy(appRouter: { _def: { procedures: object } }): ProcedurePolicy[] {
  return Object.entries(appRouter._def.procedures as Record<string, ProcedureLike>)
    .map(([path, procedure]) => ({ path, type: procedure._def.type, role: procedure._def.meta?.role, relation: procedure._def.meta?.relation }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
