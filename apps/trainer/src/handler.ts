import type { Job } from "bullmq";
import { trainingJobPayload, type TrainingProgress } from "@mien/jobs";

export interface TrainingResult {
  trainingJobId: string;
  status: "completed";
}

/**
 * Handles one training job. Training itself arrives with the trainer issue;
 * for now the worker validates the payload and reports progress the same way
 * the real trainer will, so the queue, events and UI can be built against it.
 */
export async function handleTrainingJob(job: Job): Promise<TrainingResult> {
  const parsed = trainingJobPayload.safeParse(job.data);
  if (!parsed.success) {
    throw new Error(`Training job ${job.id} has an invalid payload: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  const stages: TrainingProgress["stage"][] = ["preparing", "training", "evaluating", "publishing", "done"];
  for (const [i, stage] of stages.entries()) {
    await job.updateProgress({ stage, percent: Math.round(((i + 1) / stages.length) * 100) } satisfies TrainingProgress);
  }
  return { trainingJobId: parsed.data.trainingJobId, status: "completed" };
}
