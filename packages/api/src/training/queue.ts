import type { Queue } from "bullmq";

/** What the training domain needs from the queue (a BullMQ Queue fits). */
export type TrainingQueue = Pick<Queue, "add" | "getJob">;
