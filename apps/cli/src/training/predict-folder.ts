import { readFile } from "node:fs/promises";

import type { ExpressionClass } from "@mien/model";
import { loadExpressionModelFromDir, predictImages, type listClassFolder } from "@mien/model/node";

export type LabelledFile = Awaited<ReturnType<typeof listClassFolder>>[number];

/** Loads a version folder and predicts every file: calibrated probabilities in the model's class order. */
export async function predictFolder(
  modelDir: string,
  files: readonly LabelledFile[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ classes: ExpressionClass[]; probs: Float32Array }> {
  const model = await loadExpressionModelFromDir(modelDir);
  try {
    const probs = await predictImages(
      model,
      files.map((f) => f.path),
      async (p) => readFile(p),
      {
        onProgress: async (done, total) => onProgress?.(done, total),
      },
    );
    return { classes: [...model.classes], probs };
  } finally {
    model.dispose();
  }
}
