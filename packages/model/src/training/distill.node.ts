import type { ExpressionModel } from "../artifact/expression-model.ts";
import type { ExpressionClass } from "../classes.ts";
import { TrainingInputError } from "./errors.ts";
import { predictImages } from "./predict-images.node.ts";

/** A trained model whose probabilities a distilled network learns from. */
export interface Teacher {
  /** What the job named (a version id, hash or folder), for messages. */
  ref: string;
  /** sha256 of its manifest.json: a checkpoint resumes only with the same teacher. */
  contentHash: string;
  model: ExpressionModel;
}

/**
 * The teacher's calibrated probabilities for each image, [ids × classes] in `classes`' order
 * (the teacher's other classes dropped and each row renormalised). A teacher lacking one of the
 * classes cannot teach it: that is the job's error.
 */
export async function teacherTargets(
  teacher: Teacher,
  classes: readonly ExpressionClass[],
  ids: readonly string[],
  read: (id: string) => Promise<Uint8Array>,
  onProgress?: (done: number, total: number) => Promise<void>,
): Promise<Float32Array> {
  const from = classes.map((c) => teacher.model.classes.indexOf(c));
  const missing = classes.filter((_, i) => from[i]! < 0);
  if (missing.length) {
    throw new TrainingInputError(
      `The teacher ${teacher.ref} does not know ${missing.join(", ")} (it predicts ${teacher.model.classes.join(", ")}); pick a teacher with every class of the job.`,
    );
  }
  const probs = await predictImages(teacher.model, ids, read, { batchSize: 64, onProgress });
  const k = classes.length;
  const kt = teacher.model.classes.length;
  const out = new Float32Array(ids.length * k);
  for (let i = 0; i < ids.length; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += probs[i * kt + from[c]!]!;
    if (!(sum > 0)) throw new Error(`The teacher gave no probability to any class of image ${ids[i]}.`);
    for (let c = 0; c < k; c++) out[i * k + c] = probs[i * kt + from[c]!]! / sum;
  }
  return out;
}
