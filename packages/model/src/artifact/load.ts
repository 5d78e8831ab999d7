import * as tf from "@tensorflow/tfjs";
import { isBackboneId, loadBackbone } from "../backbones/index.ts";
import type { Backbone } from "../backbones/types.ts";
import { toCropColour } from "../crop-colour.ts";
import type { ModelSources, ReadModelFile } from "../model-files.ts";
import { preprocess, type InputSpec } from "../preprocess.ts";
import type { ExpressionModel } from "./expression-model.ts";
import { loadHead } from "./head-files.ts";
import { manifestMembers, parseArtifactManifest, type ArtifactManifest, type ModelMember } from "./manifest.ts";
import { loadTrunk } from "../backbones/trunks.ts";
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

  const members = manifestMembers(m);
  const loaded: LoadedMember[] = [];
  try {
    for (const member of members) loaded.push(await loadMember(member, read, sources));
  } catch (error) {
    loaded.forEach((l) => l.dispose());
    throw error;
  }
  const classes = m.classes;
  const bad = loaded.find((l) => l.outputs !== classes.length);
  if (bad) {
    loaded.forEach((l) => l.dispose());
    throw new Error(`A member of the model has ${bad.outputs} outputs for ${classes.length} classes; the version is inconsistent.`);
  }
  const views = m.preprocessing.tta === "flip" ? [false, true] : [false];
  const temperature = m.calibration.temperature;

  return {
    manifest: m,
    classes,
    predict(crops: tf.Tensor4D): tf.Tensor2D {
      return tf.tidy(() => {
        const x = toCropColour(crops, m.preprocessing.colour);
        // Each member's log-probabilities, averaged over views and members (a geometric mean of
        // probabilities); for a single member this equals averaging its logits.
        const logProbs = loaded.flatMap((member) => views.map((flip) => tf.logSoftmax(member.logits(x, flip))));
        const mean = logProbs.length === 1 ? logProbs[0]! : tf.div(tf.addN(logProbs), logProbs.length);
        return tf.softmax(tf.div(mean, temperature)) as tf.Tensor2D;
      });
    },
    dispose() {
      loaded.forEach((l) => l.dispose());
    },
  };
}

interface LoadedMember {
  outputs: number;
  /** Face crops in the model's colour (0..255) → logits. */
  logits(crops: tf.Tensor4D, flip: boolean): tf.Tensor2D;
  dispose(): void;
}

async function loadMember(member: ModelMember, read: (name: string) => Promise<ArrayBuffer>, sources: ModelSources): Promise<LoadedMember> {
  if (member.kind === "head") {
    const unknown = member.backbones.filter((id) => !isBackboneId(id));
    if (unknown.length) throw new Error(`This model needs backbone(s) ${unknown.join(", ")}, which this version of Mien does not have. Update Mien or pick another model.`);
    const head = await loadHead(await read(member.modelFile), read);
    const backbones: Backbone[] = [];
    const dispose = () => {
      head.dispose();
      backbones.forEach((b) => b.dispose());
    };
    try {
      for (const id of member.backbones) if (isBackboneId(id)) backbones.push(await loadBackbone(id, sources));
    } catch (error) {
      dispose();
      throw error;
    }
    const inputDim = head.inputs[0]!.shape[1];
    const featureDim = backbones.reduce((n, b) => n + b.dim, 0);
    if (inputDim !== featureDim) {
      dispose();
      throw new Error(`The model's head takes ${inputDim} features but its backbones give ${featureDim}: the backbones changed since it was trained. Retrain it.`);
    }
    return {
      outputs: head.outputs[0]!.shape[1] as number,
      logits: (x, flip) =>
        tf.tidy(() => {
          const features = backbones.map((b) => b.embed(preprocess(x, b.input, { flip })));
          return head.predict(features.length === 1 ? features[0]! : tf.concat(features, 1)) as tf.Tensor2D;
        }),
      dispose,
    };
  }
  const net = await loadHead(await read(member.modelFile), read);
  const trunk = member.trunk ? await loadTrunk(member.trunk, sources).catch((error: unknown) => {
    net.dispose();
    throw error;
  }) : null;
  const input: InputSpec | null = member.input ? { size: member.input.size, channels: member.input.channels, mean: [member.input.mean], scale: member.input.scale } : null;
  if (!trunk && !input) throw new Error("A conv member of this model has neither an input spec nor a trunk; the version is incomplete.");
  return {
    outputs: net.outputs[0]!.shape[1] as number,
    logits: (x, flip) =>
      tf.tidy(() => {
        const pixels = preprocess(x, trunk?.input ?? input!, { flip });
        return net.predict(trunk ? trunk.run(pixels) : pixels) as tf.Tensor2D;
      }),
    dispose() {
      net.dispose();
      trunk?.dispose();
    },
  };
}
