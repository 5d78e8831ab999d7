import * as tf from "@tensorflow/tfjs";

import { FaceApiExpressionNet } from "../../src/backbones/faceapi-expression.ts";
import { FACEAPI_EXPRESSION_GRIDS, loadBackbone, type BackboneId } from "../../src/backbones/index.ts";
import type { ModelSources } from "../../src/model-files.ts";
import { preprocess, type InputSpec, type PixelImage, type PreprocessOptions } from "../../src/preprocess.ts";

/** One forward pass that yields the embeddings of one or more backbones (same input spec). */
export interface EmbeddingPass {
  readonly ids: readonly BackboneId[];
  readonly dims: readonly number[];
  readonly input: InputSpec;
  /** Preprocesses and embeds: one [n, dims[j]] tensor per id. */
  embed(images: readonly PixelImage[] | tf.Tensor4D, options?: PreprocessOptions): tf.Tensor2D[];
  dispose(): void;
}

type ExpressionVariant = "faceapi-expression" | keyof typeof FACEAPI_EXPRESSION_GRIDS;

function isExpressionVariant(id: BackboneId): id is ExpressionVariant {
  return id === "faceapi-expression" || id in FACEAPI_EXPRESSION_GRIDS;
}

/**
 * Groups `ids` into passes: face-api's expression net and its grid-pooled variants pool the same
 * dense-block outputs, so they share one pass; every other backbone is a pass of its own.
 */
export function planPasses(ids: readonly BackboneId[]): BackboneId[][] {
  const expression = ids.filter(isExpressionVariant);
  const rest = ids.filter((id) => !isExpressionVariant(id));
  return [...(expression.length ? [expression] : []), ...rest.map((id) => [id])];
}

export async function loadPass(ids: readonly BackboneId[], sources: ModelSources): Promise<EmbeddingPass> {
  if (ids.length === 1) {
    const backbone = await loadBackbone(ids[0]!, sources);
    return {
      ids,
      dims: [backbone.dim],
      input: backbone.input,
      embed: (images, options = {}) => [tf.tidy(() => backbone.embed(preprocess(images, backbone.input, options)))],
      dispose: () => backbone.dispose(),
    };
  }
  if (!ids.every(isExpressionVariant)) throw new Error(`${ids.join(", ")} do not share one forward pass.`);
  const net = await FaceApiExpressionNet.load(sources.faceApi);
  const channels = [32, 64, 128, 256];
  const dims = ids.map((id) => (id === "faceapi-expression" ? net.dim : FACEAPI_EXPRESSION_GRIDS[id].reduce<number>((s, g, b) => s + g * g * channels[b]!, 0)));
  return {
    ids,
    dims,
    input: net.input,
    embed: (images, options = {}) => {
      const maps = tf.tidy(() => net.extractor.featureMaps(preprocess(images, net.input, options)));
      const out = ids.map((id) => (id === "faceapi-expression" ? net.extractor.pool(maps[3]!) : net.extractor.gridPool(maps, FACEAPI_EXPRESSION_GRIDS[id])));
      tf.dispose(maps);
      return out;
    },
    dispose: () => net.dispose(),
  };
}
