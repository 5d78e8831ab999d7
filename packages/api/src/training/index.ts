export { startTraining } from "./start.ts";
export { cancelTraining, retryTraining } from "./control.ts";
export { getTrainingJob, listTrainingJobs } from "./read.ts";
export { trainingOptions } from "./options.ts";
export type { TrainingQueue } from "./queue.ts";
