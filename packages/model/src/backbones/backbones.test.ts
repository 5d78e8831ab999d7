import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { decodeAll } from "../../scripts/lib/class-folders.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { EXPRESSION_CLASSES } from "../classes.ts";
import { modelDirs, nodeModelSources } from "../model-files.node.ts";
import { pixelsToBatch, preprocess, type PixelImage } from "../preprocess.ts";
import { FaceApiExpressionNet } from "./faceapi-expression.ts";
import { classifyCanonical, embedImages, loadBackbone, loadZeroShot } from "./index.ts";

const FER_VAL = resolve(fileURLToPath(new URL("../../../../../shared/data/fer2013/val", import.meta.url)));
const FILES = [
  { path: "happy/PublicTest_57534121.jpg", label: "happiness" as const },
  { path: "surprise/PublicTest_77507848.jpg", label: "surprise" as const },
  { path: "angry/PublicTest_10116449.jpg", label: "anger" as const },
  { path: "sad/PublicTest_77511718.jpg", label: "sadness" as const },
];

let images: PixelImage[];
const sources = nodeModelSources();

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
  images = await decodeAll(FER_VAL, FILES);
});

describe("face-api expression backbone on real FER2013 faces", () => {
  it("gives deterministic, finite 256-d embeddings; a flip is similar but not identical", async () => {
    const net = await loadBackbone("faceapi-expression", sources);
    const a = (await embedImages(net, images).array()) as number[][];
    const b = (await embedImages(net, images).array()) as number[][];
    const f = (await embedImages(net, images, { flip: true }).array()) as number[][];
    expect(a).toHaveLength(4);
    expect(a[0]).toHaveLength(256);
    expect(a).toEqual(b);
    expect(a.flat().every(Number.isFinite)).toBe(true);
    // Expression features are sparse and only partly mirror-invariant (measured: own-flip cosine
    // about 0.6–0.9, other faces about 0.5 on average), so compare with the mean over other faces.
    for (let i = 0; i < a.length; i++) {
      const self = cosine(a[i]!, f[i]!);
      expect(self).toBeLessThan(0.99999);
      const others = a.filter((_, j) => j !== i).map((o) => cosine(a[i]!, o));
      expect(self).toBeGreaterThan(others.reduce((x, y) => x + y, 0) / others.length);
    }
    net.dispose();
  });

  it("matches @vladmandic/face-api's own FaceExpressionNet", async () => {
    const require = createRequire(import.meta.url);
    const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
    await faceapi.nets.faceExpressionNet.loadFromDisk(modelDirs().faceApi);
    const net = await FaceApiExpressionNet.load(sources.faceApi);
    const batch = pixelsToBatch(images);
    for (let i = 0; i < images.length; i++) {
      const one = batch.slice([i, 0, 0, 0], [1, -1, -1, -1]);
      const resized = tf.image.resizeBilinear(one, [112, 112], false, true).squeeze([0]);
      const ref = await faceapi.nets.faceExpressionNet.predictExpressions(resized);
      const ours = await net.classify(preprocess(one, net.input)).data();
      const refOrdered = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"].map((k) => ref[k] as number);
      refOrdered.forEach((p, j) => expect(ours[j]).toBeCloseTo(p, 4));
    }
    net.dispose();
  });
});

describe("other backbones", () => {
  it("face recognition descriptors find each face's mirror image as its nearest neighbour", async () => {
    const net = await loadBackbone("faceapi-recognition", sources);
    const a = (await embedImages(net, images).array()) as number[][];
    const f = (await embedImages(net, images, { flip: true }).array()) as number[][];
    for (let i = 0; i < a.length; i++) {
      const self = cosine(a[i]!, f[i]!);
      expect(self).toBeLessThan(0.99999);
      for (let j = 0; j < a.length; j++) if (j !== i) expect(self).toBeGreaterThan(cosine(a[i]!, a[j]!));
    }
    net.dispose();
  });

  it.each([
    ["faceapi-recognition", 128],
    ["faceapi-landmarks", 136],
    ["faceapi-expression-g2x2", 1536],
    ["mobileface", 256],
  ] as const)("%s embeds to %i finite values", async (id, dim) => {
    const net = await loadBackbone(id, sources);
    const e = embedImages(net, images.slice(0, 2));
    expect(e.shape).toEqual([2, dim]);
    expect((await e.data()).every(Number.isFinite)).toBe(true);
    net.dispose();
  });
});

describe("zero-shot peers", () => {
  it.each(["faceapi-expression", "human-emotion"] as const)("%s gives canonical probabilities", async (id) => {
    const model = await loadZeroShot(id, sources);
    const p = (await classifyCanonical(model, images).array()) as number[][];
    const contempt = EXPRESSION_CLASSES.indexOf("contempt");
    for (const row of p) {
      expect(row).toHaveLength(EXPRESSION_CLASSES.length);
      expect(row[contempt]).toBe(0);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    }
    // The clear happy face is read as happiness by both peers.
    const happy = EXPRESSION_CLASSES.indexOf("happiness");
    expect(p[0]!.indexOf(Math.max(...p[0]!))).toBe(happy);
    model.dispose();
  });
});
