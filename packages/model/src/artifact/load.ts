import * as tf from "@tensorflow/tfjs";
import { isBackboneId, loadBackbone } from "../backbones/index.ts";
import type { Backbone } from "../backbones/types.ts";
import { toCropColour } from "../crop-colour.ts";
import type { ModelSources, ReadModelFile } from "../model-files.ts";
import { preprocess } from "../preprocess.ts";
import type { ExpressionModel } from "./expression-model.ts";
import { loadHead } from "./head-files.ts";
import { parseArtifactManifest, type ArtifactManifest } from "./manifest.ts";
import { sha256Hex } from "./sha256.ts";

export interface LoadExpressionModelOptions {
  /**
   * Check every file against the sha256 the manifest lists (default: whenever Web Crypto is
   * available; it is missing only on plain-http pages other than localhost).
   */
  verify?: boolean;
}

/**
 * Loads a published version: the frozen backbones it names (from the npm-shipped weights behind
 * `sources`) and its head (model.json + shards through `readFile`). Browser-safe; used by the
 * coach page, `mien eval` and the trainer's evaluation of the quantised artifact alike.
 */
export async function loadExpressionModel(
  manifest: ArtifactManifest,
  readFile: ReadModelFile,
  sources: ModelSources,
  options: LoadExpressionModelOptions = {},
): Promise<ExpressionModel> {
  const m = parseArtifactManifest(manifest);
  const verify = options.verify ?? Boolean(globalThis.crypto?.subtle);
  const expected = new Map(m.files.map((f) => [f.path, f]));
  const read = async (name: string): Promise<ArrayBuffer> => {
    const entry = expected.get(name);
    if (!entry) throw new Error(`The model's manifest does not list ${name}; the version is incomplete or altered.`);
    const bytes = await readFile(name);
    if (bytes.byteLength !== entry.bytes) throw new Error(`Model file ${name} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}: it is truncated or altered.`);
    if (verify) {
      const hash = await sha256Hex(bytes);
      if (hash !== entry.sha256) throw new Error(`Model file ${name} does not match its sha256 in the manifest: it is corrupt or altered.`);
    }
    return bytes;
  };

  const unknown = m.backbones.map((b) => b.id).filter((id) => !isBackboneId(id));
  if (unknown.length) throw new Error(`This model needs backbone(s) ${unknown.join(", ")}, which this version of Mien does not have. Update Mien or pick another model.`);

  const head = await loadHead(await read(m.head.modelFile), read);
  const backbones: Backbone[] = [];
  try {
    for (const ref of m.backbones) if (isBackboneId(ref.id)) backbones.push(await loadBackbone(ref.id, sources));
  } catch (error) {
    head.dispose();
    backbones.forEach((b) => b.dispose());
    throw error;
  }
  const inputDim = head.inputs[0]!.shape[1];
  const featureDim = backbones.reduce((n, b) => n + b.dim, 0);
  if (inputDim !== featureDim) {
    head.dispose();
    backbones.forEach((b) => b.dispose());
    throw new Error(`The model's head takes ${inputDim} features but its backbones give ${featureDim}: the backbones changed since it was trained. Retrain it.`);
  }
  const classes = m.classes;
  if (head.outputs[0]!.shape[1] !== classes.length) {
    head.dispose();
    backbones.forEach((b) => b.dispose());
    throw new Error(`The model's head has ${head.outputs[0]!.shape[1]} outputs for ${classes.length} classes; the version is inconsistent.`);
  }
  const views = m.preprocessing.tta === "flip" ? [false, true] : [false];
  const temperature = m.calibration.temperature;

  return {
    manifest: m,
    classes,
    predict(crops: tf.Tensor4D): tf.Tensor2D {
      return tf.tidy(() => {
        const x = toCropColour(crops, m.preprocessing.colour);
        const logits = views.map((flip) => {
          const features = backbones.map((b) => b.embed(preprocess(x, b.input, { flip })));
          return head.predict(features.length === 1 ? features[0]! : tf.concat(features, 1)) as tf.Tensor2D;
        });
        const mean = logits.length === 1 ? logits[0]! : tf.div(tf.addN(logits), logits.length);
        return tf.softmax(tf.div(mean, temperature)) as tf.Tensor2D;
      });
    },
    dispose() {
      head.dispose();
      backbones.forEach((b) => b.dispose());
    },
  };
}
