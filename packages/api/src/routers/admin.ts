import { z } from "zod";

import { ROLES } from "@mien/auth";
import { audit } from "@mien/db";
import { AppError } from "@mien/errors";

import { reviewsRequired, reviewsRequiredSchema, setReviewsRequired } from "../review/index.ts";
import { adminProcedure, router } from "../trpc.ts";

const listInput = z.object({
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(50),
  /** Part of an email address. */
  search: z.string().trim().max(200).optional(),
});

const setRoleInput = z.object({
  userId: z.string().min(1).max(64),
  role: z.enum(ROLES),
});

const usersRouter = router({
  list: adminProcedure.input(listInput).query(async ({ ctx, input }) => {
    const where = input.search ? { email: { contains: input.search, mode: "insensitive" as const } } : {};
    const [users, total] = await ctx.db.$transaction([
      ctx.db.user.findMany({
        where,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        skip: (input.page - 1) * input.pageSize,
        take: input.pageSize,
        select: { id: true, email: true, name: true, role: true, createdAt: true },
      }),
      ctx.db.user.count({ where }),
    ]);
    return { users, total, page: input.page, pageSize: input.pageSize };
  }),

  setRole: adminProcedure.input(setRoleInput).mutation(async ({ ctx, input }) => {
    const actorId = ctx.session.user.id;
    return ctx.db.$transaction(async (tx) => {
      // Lock every admin row so two admins demoting each other at once cannot leave none.
      const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "user" WHERE role = 'admin' FOR UPDATE`;
      const target = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, role: true } });
      if (!target) throw new AppError("NOT_FOUND", `No user with id ${input.userId}.`);
      if (target.role === input.role) return { id: target.id, role: target.role, changed: false };
      if (target.role === "admin" && admins.length <= 1) {
        throw new AppError(
          "PRECONDITION_FAILED",
          target.id === actorId
            ? "You are the last admin, so you cannot change your own role. Make another user an admin first."
            : "This is the last admin. Make another user an admin first.",
        );
      }
      await tx.user.update({ where: { id: target.id }, data: { role: input.role } });
      await audit(tx, {
        actorId,
        action: "user.set_role",
        entityType: "user",
        entityId: target.id,
        before: { role: target.role },
        after: { role: input.role },
      });
      return { id: target.id, role: input.role, changed: true };
    });
  }),
});

const settingsRouter = router({
  get: adminProcedure.query(async ({ ctx }) => ({ reviewsRequired: await reviewsRequired(ctx.db) })),

  /** How many curators must review an image before its status is decided. */
  setReviewsRequired: adminProcedure
    .input(z.object({ value: reviewsRequiredSchema }))
    .mutation(({ ctx, input }) => setReviewsRequired(ctx.db, { actorId: ctx.session.user.id, value: input.value })),
});

export const adminRouter = router({ users: usersRouter, settings: settingsRouter });
