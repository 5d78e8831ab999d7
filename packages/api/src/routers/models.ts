import { z } from "zod";
import { promoteVersion, rollbackAlias } from "@mien/registry";
import { listModelVersions } from "../models/list.ts";
import { adminProcedure, router } from "../trpc.ts";

export const modelsRouter = router({
  /** Versions with metrics, the active one, and what roll back would return to. */
  list: adminProcedure.query(({ ctx }) => listModelVersions(ctx.db)),
  /** Points `active` at a version; the web client loads it next. */
  promote: adminProcedure
    .input(z.object({ versionId: z.uuid() }))
    .mutation(({ ctx, input }) => promoteVersion(ctx.db, { versionId: input.versionId, actorId: ctx.session.user.id })),
  /** Returns `active` to the version it pointed at before its last move. */
  rollback: adminProcedure.mutation(({ ctx }) => rollbackAlias(ctx.db, { actorId: ctx.session.user.id })),
});
