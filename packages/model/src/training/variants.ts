import type { AugmentationAmounts } from "../augment.ts";
import { seedOf } from "./random.ts";
import { enabledAugmentations, type Split, type TrainingRecipe } from "./recipe.ts";

/** One way of showing an image to a backbone: as is, mirrored, or an augmented copy. */
export interface Variant {
  /** Cache key part, e.g. "plain", "flip", "aug-1a2b3c4d-2". */
  key: string;
  flip: boolean;
  /** Set for augmented copies: the strengths, and the copy number that seeds each image's draw. */
  augment?: { amounts: AugmentationAmounts; copy: number };
}

export const PLAIN: Variant = { key: "plain", flip: false };
export const FLIP: Variant = { key: "flip", flip: true };

/** The variants each split needs: training copies for train, test-time views for val and test. */
export function variantsFor(recipe: TrainingRecipe, split: Split): Variant[] {
  if (split !== "train") return recipe.tta === "flip" ? [PLAIN, FLIP] : [PLAIN];
  const out = [PLAIN];
  if (recipe.augmentations.flip) out.push(FLIP);
  const amounts = enabledAugmentations(recipe);
  if (Object.keys(amounts).length) {
    // The key names the strengths and seed, so a different recipe never reuses another's copies.
    const id = seedOf(JSON.stringify({ amounts, seed: recipe.seed }))
      .toString(16)
      .padStart(8, "0");
    for (let copy = 1; copy <= recipe.augmentations.copies; copy++) {
      // With flips on, every second copy is mirrored too.
      const flip = recipe.augmentations.flip && copy % 2 === 0;
      out.push({ key: `aug-${id}-${copy}${flip ? "f" : ""}`, flip, augment: { amounts, copy } });
    }
  }
  return out;
}

/** The seed of one image's augmentation draw for one copy. */
export function drawSeed(sha256: string, variant: Variant): number {
  return seedOf(`${sha256}:${variant.key}`);
}
