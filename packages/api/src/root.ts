import { adminRouter } from "./routers/admin.ts";
import { auditRouter } from "./routers/audit.ts";
import { coachRouter } from "./routers/coach.ts";
import { datasetRouter } from "./routers/dataset.ts";
import { me } from "./routers/me.ts";
import { mentoringRouter } from "./routers/mentoring.ts";
import { modelsRouter } from "./routers/models.ts";
import { reviewRouter } from "./routers/review.ts";
import { screeningRouter } from "./routers/screening.ts";
import { sharingRouter } from "./routers/sharing.ts";
import { snapshotsRouter } from "./routers/snapshots.ts";
import { trainingRouter } from "./routers/training.ts";
import { createCallerFactory, router, type inferRouterInputs, type inferRouterOutputs } from "./trpc.ts";

export const appRouter = router({
  me,
  dataset: datasetRouter,
  admin: adminRouter,
  review: reviewRouter,
  audit: auditRouter,
  snapshots: snapshotsRouter,
  training: trainingRouter,
  models: modelsRouter,
  coach: coachRouter,
  screening: screeningRouter,
  sharing: sharingRouter,
  mentoring: mentoringRouter,
});

export type AppRouter = typeof appRouter;
/** Each procedure's input and output, for clients: `RouterOutputs["review"]["page"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side calls (tests, scripts): `createCaller(ctx).dataset.summary()`. */
export const createCaller = createCallerFactory(appRouter);
