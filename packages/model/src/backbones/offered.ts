import { isBackboneId, type BackboneId } from "./index.ts";

export interface OfferedBackbone {
  id: BackboneId;
  /** FER2013 val accuracy of an MLP head on this backbone alone, trained on every 4th train image. */
  valAccuracy: number;
  /** Embeddings per second on one free core (wasm), from the CPU time the study measured. */
  imagesPerSecond: number;
}

/**
 * The backbones the admin form offers for new head jobs, with the study's figures
 * (packages/model/research/README.md, "Which backbones to offer"). Every BACKBONE_IDS entry stays
 * loadable, so models and configs that name another one still work.
 */
export const OFFERED_BACKBONES: readonly OfferedBackbone[] = [{ id: "faceapi-expression", valAccuracy: 0.566, imagesPerSecond: 141 }];

export function isOfferedBackbone(id: string): boolean {
  return isBackboneId(id) && OFFERED_BACKBONES.some((b) => b.id === id);
}

/** One line for the form: what the study measured. */
export function offeredBackboneHint(b: OfferedBackbone): string {
  return `${(b.valAccuracy * 100).toFixed(1)}% FER2013 val alone, about ${b.imagesPerSecond} images/s per core.`;
}
