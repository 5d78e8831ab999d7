import { adminRouter } from "./routers/admin.ts";
import { auditRouter } from "./routers/audit.ts";
import { datasetRouter } from "./routers/dataset.ts";
import { me } from "./routers/me.ts";
import { reviewRouter } from "./routers/review.ts";
import { snapshotsRouter } from "./routers/snapshots.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me,
  dataset: datasetRouter,
  admin: adminRouter,
  review: reviewRouter,
  audit: auditRouter,
  snapshots: snapshotsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (tests, scripts): `createCaller(ctx).dataset.summary()`. */
export const createCaller = createCallerFactory(appRouter);
