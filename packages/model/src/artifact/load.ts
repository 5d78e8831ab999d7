import * as tf from "@tensorflow/tfjs";

import { FaceApiExpressionNet } from "../backbones/faceapi-expression.ts";
import { isBackboneId, loadBackbone } from "../backbones/index.ts";
import type { Backbone } from "../backbones/types.ts";
import { FINETUNE_BACKBONES, type FinetuneBackboneId } from "../cnn/architectures.ts";
import { toCropColour } from "../crop-colour.ts";
import { priorBias } from "../metrics.ts";
import type { ModelSources, ReadModelFile } from "../model-files.ts";
import { preprocess, type InputSpec } from "../preprocess.ts";
import type { ExpressionModel } from "./expression-model.ts";
import { loadHead } from "./head-files.ts";
import { manifestMembers, parseArtifactManifest, type ArtifactManifest, type ModelMember, type TtaMode } from "./manifest.ts";
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
    if (bytes.byteLength !== entry.bytes)
      throw new Error(`Model file ${name} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}: it is truncated or altered.`);
    if (verify) {
      const hash = await sha256Hex(bytes);
      if (hash !== entry.sha256) throw new Error(`Model file ${name} does not match its sha256 in the manifest: it is corrupt or altered.`);
    }
    return bytes;
  };

  const members = manifestMembers(m);
  const shared = new SharedNets(sources);
  const loaded: LoadedMember[] = [];
  try {
    for (const member of members) loaded.push(await loadMember(member, read, sources, shared));
  } catch (error) {
    loaded.forEach((l) => l.dispose());
    shared.dispose();
    throw error;
  }
  const classes = m.classes;
  const bad = loaded.find((l) => l.outputs !== classes.length);
  if (bad) {
    loaded.forEach((l) => l.dispose());
    shared.dispose();
    throw new Error(`A member of the model has ${bad.outputs} outputs for ${classes.length} classes; the version is inconsistent.`);
  }
  const weights = members.map((member) => member.weight ?? 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const memberViews = loaded.map((member) => viewsFor(m.preprocessing.tta, member.seesCrop));
  const temperature = m.calibration.temperature;
  const prior = m.calibration.priorCorrection;
  // The prior correction's offsets, made once: predict() runs for every coach frame.
  const bias = prior ? tf.tensor1d(priorBias(prior.trainShares, prior.strength)) : null;

  return {
    manifest: m,
    classes,
    predict(crops: tf.Tensor4D): tf.Tensor2D {
      return tf.tidy(() => {
        const x = toCropColour(crops, m.preprocessing.colour);
        // Each member's log-probabilities, averaged over its views, then over members with their
        // weights (a weighted geometric mean of probabilities); for a single member this equals
        // averaging its logits. Members share
        // preprocessed inputs and face-api's lower blocks within one call.
        const run = new RunCache(x);
        try {
          const logProbs = loaded.flatMap((member, i) => {
            const views = memberViews[i]!;
            const share = weights[i]! / views.length;
            return member.viewLogits(run, views).map((logits) => (share === 1 ? tf.logSoftmax(logits) : tf.mul(tf.logSoftmax(logits), share)));
          });
          const mean = logProbs.length === 1 ? logProbs[0]! : tf.div(tf.addN(logProbs), totalWeight);
          return tf.softmax(tf.div(bias ? tf.add(mean, bias) : mean, temperature)) as tf.Tensor2D;
        } finally {
          run.dispose();
        }
      });
    },
    dispose() {
      loaded.forEach((l) => l.dispose());
      shared.dispose();
      bias?.dispose();
    },
  };
}

/** One test-time view of the crops: mirrored or not, and shifted by whole pixels of the model's input. */
interface View {
  flip: boolean;
  shift?: readonly [number, number];
}

const SHIFT_PX = 2;

/** The views a member averages under a TTA mode (see the manifest's `preprocessing.tta`). */
export function viewsFor(tta: TtaMode, seesCrop: boolean): View[] {
  if (tta === "none" || (tta === "flip-crop" && !seesCrop)) return [{ flip: false }];
  const flips: View[] = [{ flip: false }, { flip: true }];
  if (tta === "flip" || tta === "flip-crop" || !seesCrop) return flips;
  const shifts = [
    [SHIFT_PX, 0],
    [-SHIFT_PX, 0],
    [0, SHIFT_PX],
    [0, -SHIFT_PX],
  ] as const;
  return [...flips, ...flips.flatMap((v) => shifts.map((shift) => ({ flip: v.flip, shift })))];
}

/** Content moved by (dx, dy) pixels, the uncovered border filled by mirroring the edge. */
function shiftImages(x: tf.Tensor4D, dx: number, dy: number): tf.Tensor4D {
  return tf.tidy(() => {
    const p = Math.max(Math.abs(dx), Math.abs(dy));
    const [n, h, w, c] = x.shape;
    const padded = tf.mirrorPad(
      x,
      [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ],
      "symmetric",
    );
    return tf.slice(padded, [0, p - dy, p - dx, 0], [n, h, w, c]);
  });
}

/**
 * Tensors computed once per predict() call and used by several members: the crops
 * preprocessed for an input spec and view, and face-api's block outputs for them.
 */
class RunCache {
  private readonly values = new Map<string, tf.Tensor>();

  constructor(readonly crops: tf.Tensor4D) {}

  get<T extends tf.Tensor>(key: string, make: () => T): T {
    let value = this.values.get(key);
    if (!value) {
      value = tf.keep(make());
      this.values.set(key, value);
    }
    return value as T;
  }

  input(spec: InputSpec, view: View): tf.Tensor4D {
    const [dx, dy] = view.shift ?? [0, 0];
    if (dx === 0 && dy === 0) return this.get(`input:${JSON.stringify(spec)}:${view.flip}`, () => preprocess(this.crops, spec, { flip: view.flip }));
    return this.get(`input:${JSON.stringify(spec)}:${view.flip}:${dx},${dy}`, () => shiftImages(this.input(spec, { flip: view.flip }), dx, dy));
  }

  dispose() {
    tf.dispose([...this.values.values()]);
    this.values.clear();
  }
}

/** face-api's expression net, loaded once per model and shared by every member that uses it. */
class SharedNets {
  private faceApi: Promise<FaceApiExpressionNet> | null = null;

  constructor(private readonly sources: ModelSources) {}

  faceApiExpression(): Promise<FaceApiExpressionNet> {
    this.faceApi ??= FaceApiExpressionNet.load(this.sources.faceApi);
    return this.faceApi;
  }

  /** The first `blocks` dense blocks' output for the crops of one view, computed block by block once. */
  static faceApiMaps(run: RunCache, net: FaceApiExpressionNet, flip: boolean, blocks: number): tf.Tensor4D {
    if (blocks === 0) return run.input(net.input, { flip });
    return run.get(`faceapi:${flip}:${blocks}`, () => net.extractor.block(blocks - 1, SharedNets.faceApiMaps(run, net, flip, blocks - 1)));
  }

  dispose() {
    void this.faceApi?.then((net) => net.dispose()).catch(() => undefined);
  }
}

interface LoadedMember {
  outputs: number;
  /** Whether it sees the crop itself (so shifted views are cheap), not face-api's features. */
  seesCrop: boolean;
  /** Views of the crops (in the model's colour, 0..255) → logits for each view. */
  viewLogits(run: RunCache, views: readonly View[]): tf.Tensor2D[];
  dispose(): void;
}

async function loadMember(member: ModelMember, read: (name: string) => Promise<ArrayBuffer>, sources: ModelSources, shared: SharedNets): Promise<LoadedMember> {
  if (member.kind === "head") {
    const unknown = member.backbones.filter((id) => !isBackboneId(id));
    if (unknown.length)
      throw new Error(`This model needs backbone(s) ${unknown.join(", ")}, which this version of Mien does not have. Update Mien or pick another model.`);
    const head = await loadHead(await read(member.modelFile), read);
    // face-api's expression net is shared (see SharedNets); other backbones are this member's own.
    const owned: Backbone[] = [];
    const embedders: Array<{ dim: number; embed(run: RunCache, view: View): tf.Tensor2D }> = [];
    const dispose = () => {
      head.dispose();
      owned.forEach((b) => b.dispose());
    };
    try {
      for (const id of member.backbones) {
        if (!isBackboneId(id)) continue;
        if (id === "faceapi-expression") {
          const net = await shared.faceApiExpression();
          embedders.push({ dim: net.dim, embed: (run, view) => net.extractor.pool(SharedNets.faceApiMaps(run, net, view.flip, 4)) });
        } else {
          const b = await loadBackbone(id, sources);
          owned.push(b);
          embedders.push({ dim: b.dim, embed: (run, view) => b.embed(run.input(b.input, { flip: view.flip })) });
        }
      }
    } catch (error) {
      dispose();
      throw error;
    }
    const inputDim = head.inputs[0]!.shape[1];
    const featureDim = embedders.reduce((n, b) => n + b.dim, 0);
    if (inputDim !== featureDim) {
      dispose();
      throw new Error(
        `The model's head takes ${inputDim} features but its backbones give ${featureDim}: the backbones changed since it was trained. Retrain it.`,
      );
    }
    return {
      outputs: head.outputs[0]!.shape[1] as number,
      seesCrop: false,
      viewLogits: (run, views) =>
        views.map((view) =>
          tf.tidy(() => {
            const features = embedders.map((e) => e.embed(run, view));
            return head.predict(features.length === 1 ? features[0]! : tf.concat(features, 1)) as tf.Tensor2D;
          }),
        ),
      dispose,
    };
  }
  const net = await loadHead(await read(member.modelFile), read);
  if (member.trunk) {
    const ref = member.trunk;
    const blocks = FINETUNE_BACKBONES[ref.id as FinetuneBackboneId]?.blocks;
    if (!blocks) {
      net.dispose();
      throw new Error(`This model fine-tunes backbone ${ref.id}, which this version of Mien does not have. Update Mien or pick another model.`);
    }
    if (ref.blocks < 1 || ref.blocks >= blocks) {
      net.dispose();
      throw new Error(`${ref.id} has ${blocks} blocks; a trunk of ${ref.blocks} is not possible.`);
    }
    const faceApi = await shared.faceApiExpression();
    return {
      outputs: net.outputs[0]!.shape[1] as number,
      seesCrop: false,
      viewLogits: (run, views) => views.map((view) => tf.tidy(() => net.predict(SharedNets.faceApiMaps(run, faceApi, view.flip, ref.blocks)) as tf.Tensor2D)),
      dispose: () => net.dispose(),
    };
  }
  if (!member.input) {
    net.dispose();
    throw new Error("A conv member of this model has neither an input spec nor a trunk; the version is incomplete.");
  }
  const input: InputSpec = { size: member.input.size, channels: member.input.channels, mean: [member.input.mean], scale: member.input.scale };
  return {
    outputs: net.outputs[0]!.shape[1] as number,
    seesCrop: true,
    // All views in one call. In the coach this measured the same as one call per view (48 ms for
    // ten flip-shift views, then compute-bound), but it keeps one model call per member.
    viewLogits: (run, views) =>
      tf.tidy(() => {
        const batch = views.length === 1 ? run.input(input, views[0]!) : tf.concat(views.map((view) => run.input(input, view)));
        const logits = net.predict(batch) as tf.Tensor2D;
        return views.length === 1 ? [logits] : (tf.split(logits, views.length) as tf.Tensor2D[]);
      }),
    dispose: () => net.dispose(),
  };
}
