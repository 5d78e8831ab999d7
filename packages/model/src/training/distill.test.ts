import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { loadExpressionModelFromDir } from "../artifact/load.node.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { teacherTargets, type Teacher } from "./distill.node.ts";
import { TrainingInputError } from "./errors.ts";
import { listClassFolder } from "./folder-dataset.node.ts";
import { predictImages } from "./predict-images.node.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;
const VAL = join(ROOT, "../shared/data/fer2013/val");

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
});

describe("teacher targets for distillation", () => {
  it("are the teacher's calibrated probabilities over the job's classes, renormalised; a class the teacher lacks is the job's error", async () => {
    const model = await loadExpressionModelFromDir(join(ROOT, "models/default"));
    const teacher: Teacher = { ref: "models/default", contentHash: "h", model };
    try {
      const files = (await listClassFolder(VAL)).filter((_, i) => i % 500 === 0);
      expect(files.length).toBeGreaterThan(4);
      const read = (p: string) => readFile(p);
      const ids = files.map((f) => f.path);
      const all = await predictImages(model, ids, read);
      const kt = model.classes.length;

      const same = await teacherTargets(teacher, model.classes, ids, read);
      same.forEach((v, j) => expect(v).toBeCloseTo(all[j]!, 5));

      const two = ["sadness", "happiness"] as const;
      const picked = await teacherTargets(teacher, two, ids, read);
      const [s, h] = two.map((c) => model.classes.indexOf(c));
      ids.forEach((_, i) => {
        const ps = all[i * kt + s!]!;
        const ph = all[i * kt + h!]!;
        expect(picked[i * 2]).toBeCloseTo(ps / (ps + ph), 5);
        expect(picked[i * 2]! + picked[i * 2 + 1]!).toBeCloseTo(1, 6);
      });

      const missing = teacherTargets(teacher, ["contempt", "happiness"], ids, read);
      await expect(missing).rejects.toBeInstanceOf(TrainingInputError);
      await expect(missing).rejects.toThrow(/does not know contempt/);
    } finally {
      model.dispose();
    }
  }, 120_000);
});
