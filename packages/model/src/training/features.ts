import type { ExpressionClass } from "../classes.ts";
import { rng } from "./random.ts";
import type { TrainingImage } from "./recipe.ts";
import type { Variant } from "./variants.ts";

/** Looks up one cached embedding; the pipeline guarantees every lookup hits. */
export type EmbeddingLookup = (backboneId: string, variantKey: string, sha256: string) => Float32Array | undefined;

export interface FeatureMatrix {
  x: Float32Array;
  y: Int32Array;
  dim: number;
}

/**
 * Rows of concatenated backbone embeddings (in the recipe's backbone order), one row per image
 * per variant, variant-major: all images' plain rows, then all their flip rows, and so on.
 */
export function assembleFeatures(
  images: readonly TrainingImage[],
  variants: readonly Variant[],
  backbones: ReadonlyArray<{ id: string; dim: number }>,
  classes: readonly ExpressionClass[],
  lookup: EmbeddingLookup,
): FeatureMatrix {
  const dim = backbones.reduce((n, b) => n + b.dim, 0);
  const rows = images.length * variants.length;
  const x = new Float32Array(rows * dim);
  const y = new Int32Array(rows);
  let row = 0;
  for (const variant of variants) {
    for (const image of images) {
      let offset = row * dim;
      for (const b of backbones) {
        const e = lookup(b.id, variant.key, image.sha256);
        if (!e) throw new Error(`Missing ${b.id} embedding (${variant.key}) for image ${image.sha256}; the embedding stage did not finish.`);
        x.set(e, offset);
        offset += b.dim;
      }
      y[row] = classes.indexOf(image.label);
      row++;
    }
  }
  return { x, y, dim };
}

/**
 * Resampling for class balance: every class is topped up, by drawing its own rows with
 * replacement, to the size of the largest class. Deterministic for a seed.
 */
export function oversample(m: FeatureMatrix, k: number, seed: number): FeatureMatrix {
  const byClass: number[][] = Array.from({ length: k }, () => []);
  m.y.forEach((label, i) => byClass[label]!.push(i));
  const target = Math.max(...byClass.map((rows) => rows.length));
  const random = rng(seed);
  const picked: number[] = [];
  for (const rows of byClass) {
    picked.push(...rows);
    for (let extra = rows.length; rows.length && extra < target; extra++) picked.push(rows[Math.floor(random() * rows.length)]!);
  }
  const x = new Float32Array(picked.length * m.dim);
  const y = new Int32Array(picked.length);
  picked.forEach((src, i) => {
    x.set(m.x.subarray(src * m.dim, (src + 1) * m.dim), i * m.dim);
    y[i] = m.y[src]!;
  });
  return { x, y, dim: m.dim };
}

/** Loss weights n / (k · n_c) per class (0 for a class without images). */
export function balancedClassWeights(y: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const label of y) counts[label]! += 1;
  return counts.map((c) => (c ? y.length / (k * c) : 0));
}
