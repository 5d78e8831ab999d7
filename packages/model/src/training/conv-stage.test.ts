import { describe, expect, it } from "vitest";

import { convMember } from "../artifact/manifest.ts";
import { CNN_ARCHITECTURE_IDS, CNN_ARCHITECTURES } from "../cnn/architectures.ts";
import { scratchArchitectureText } from "./conv-stage.node.ts";
import type { TrainingRecipe } from "./recipe.ts";

/** Only the fields the description reads. */
const recipeOf = (conv: Partial<TrainingRecipe["conv"]>) => ({ conv: { architecture: "cnn-s", ...conv } }) as unknown as TrainingRecipe;
const teacher = { name: "fer7-ensemble-v4", contentHash: "afda0fd98889".padEnd(64, "0") };

describe("a scratch network's description on its model card", () => {
  it("names its widths, its teacher and which weights were kept", () => {
    expect(scratchArchitectureText(recipeOf({ architecture: "cnn-sw" }), null, false)).toBe("cnn-sw: 16·32·96·192 ×2 conv, BN folded, from scratch");
    const taught = recipeOf({ distill: { teacher: "models/fer7-ensemble-v4", weight: 0.8 }, averaging: 0.999 });
    expect(scratchArchitectureText(taught, teacher, true)).toBe(
      "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch, distilled from fer7-ensemble-v4 (afda0fd98889, weight 0.8), weights averaged (decay 0.999 per step)",
    );
    expect(scratchArchitectureText(taught, teacher, false)).toMatch(/weight 0\.8\), live weights kept over their average \(decay 0\.999\)$/);
    expect(scratchArchitectureText(recipeOf({ cohort: { members: 3, weight: 0.4 } }), null, false, 2)).toBe(
      "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch, member 3 of 3 trained together (mutual weight 0.4)",
    );
    expect(scratchArchitectureText(recipeOf({ cohort: { members: 2, weight: 0.5, burnIn: 6 } }), null, false, 0)).toBe(
      "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch, member 1 of 2 trained together (mutual weight 0.5 after 6 epochs alone)",
    );
    expect(scratchArchitectureText(recipeOf({ cohort: { members: 2, weight: 0.5, burnIn: 9, dropRate: 0.1 } }), null, false, 1)).toBe(
      "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch, member 2 of 2 trained together (mutual weight 0.5 after 9 epochs alone, co-teaching 10%)",
    );
    expect(scratchArchitectureText(recipeOf({ progressive: { startSide: 32, epochs: 1 } }), null, false)).toBe(
      "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch, its first epoch on faces grown from 32 to 48 px",
    );
  });

  it("fits the manifest at its longest: every architecture, a long teacher name, a cohort, progressive resizing, averaging that kept either side", () => {
    const long = { name: "t".repeat(200), contentHash: teacher.contentHash };
    for (const architecture of CNN_ARCHITECTURE_IDS)
      for (const kept of [true, false]) {
        const text = scratchArchitectureText(
          recipeOf({
            architecture,
            distill: { teacher: "x", weight: 0.85 },
            averaging: 0.9999,
            cohort: { members: 4, weight: 0.35, burnIn: 499, dropRate: 0.45 },
            progressive: { startSide: 44, epochs: 499 },
          }),
          long,
          kept,
          3,
        );
        expect(text).toContain(CNN_ARCHITECTURES[architecture].stages.join("·"));
        const parsed = convMember.safeParse({
          kind: "conv",
          input: { size: 48, channels: 1, mean: 128, scale: 1 / 64 },
          architecture: text,
          modelFile: "model.json",
          quantization: "float16",
        });
        expect(parsed.success, `${architecture}: ${text.length} characters`).toBe(true);
      }
  });
});
