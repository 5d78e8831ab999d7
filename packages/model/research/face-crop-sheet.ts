/**
 * A contact sheet for checking face-crop framing by eye: real photos placed on a webcam-sized
 * frame, detected with BlazeFace and cropped with DEFAULT_FACE_BOX as 48×48 gray (top rows), next
 * to FER2013 val faces (bottom row). Usage:
 *   pnpm --filter @mien/model exec tsx research/face-crop-sheet.ts [--out .data/face-crop-sheet.png] [--scale 1.25 --shift-y -0.05]
 */
import { mkdir, readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";

import { REPO_ROOT, runMain, SHARED_DATA } from "../scripts/lib/paths.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { cropFaces, DEFAULT_FACE_BOX } from "../src/face-crop.ts";
import { WEBCAM_FACE_DETECTOR } from "../src/face-detect/config.ts";
import { FaceDetector } from "../src/face-detect/detector.ts";
import { nodeModelSources } from "../src/model-files.node.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(REPO_ROOT, ".data/face-crop-sheet.png") },
    scale: { type: "string", default: String(DEFAULT_FACE_BOX.scale) },
    "shift-y": { type: "string", default: String(DEFAULT_FACE_BOX.shiftY) },
    count: { type: "string", default: "16" },
  },
});

const TILE = 96;
const COLUMNS = 8;

/** A photo upscaled to 300 px and placed off-centre on a plain 640×480 frame, like a webcam. */
async function webcamFrame(file: string): Promise<tf.Tensor3D> {
  const face = await sharp(file).resize(300, 300).toColourspace("srgb").png().toBuffer();
  const { data } = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 190, g: 196, b: 204 } } })
    .composite([{ input: face, left: 200, top: 90 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return tf.tensor3d(new Uint8Array(data), [480, 640, 3], "int32");
}

async function tile(pixels: Uint8Array, size: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 3 } })
    .resize(TILE, TILE, { kernel: "nearest" })
    .png()
    .toBuffer();
}

runMain(async () => {
  await selectNodeBackend();
  const framing = { scale: Number(values.scale), shiftY: Number(values["shift-y"]) };
  const detector = await FaceDetector.load(nodeModelSources().human, WEBCAM_FACE_DETECTOR);
  const photos = join(SHARED_DATA, "facial-expressions/images");
  const names = (await readdir(photos))
    .sort()
    .filter((_, i) => i % 97 === 0)
    .slice(0, Number(values.count));
  const tiles: Buffer[] = [];
  for (const name of names) {
    const frame = await webcamFrame(join(photos, name));
    const [face] = await detector.detect(frame);
    if (face) {
      const crop = cropFaces(frame, [face.box], { size: 48, framing, colour: "gray" });
      tiles.push(
        await tile(
          Uint8Array.from(await crop.data(), (v) => Math.round(v)),
          48,
        ),
      );
      crop.dispose();
    }
    frame.dispose();
  }
  const fer = join(SHARED_DATA, "fer2013/val");
  for (const cls of ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise", "happy"]) {
    const files = (await readdir(join(fer, cls))).sort();
    const { data } = await sharp(join(fer, cls, files[7]!))
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    tiles.push(await tile(new Uint8Array(data), 48));
  }
  const rows = Math.ceil(tiles.length / COLUMNS);
  const out = resolve(values.out!);
  await mkdir(dirname(out), { recursive: true });
  await sharp({ create: { width: COLUMNS * (TILE + 4), height: rows * (TILE + 4), channels: 3, background: "#ffffff" } })
    .composite(tiles.map((input, i) => ({ input, left: (i % COLUMNS) * (TILE + 4), top: Math.floor(i / COLUMNS) * (TILE + 4) })))
    .png()
    .toFile(out);
  console.log(JSON.stringify({ out, framing, detected: tiles.length - 8, photos: names.length }));
});
