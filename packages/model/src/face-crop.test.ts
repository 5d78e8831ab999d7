import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cropFaces, cropRegion, grayToThree } from "./face-crop.ts";

const FRAME = { width: 640, height: 480 };

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("cropRegion", () => {
  it("squares the box on its larger side, scales it about the centre and shifts it by box heights", () => {
    const r = cropRegion({ x: 200, y: 100, width: 100, height: 120 }, { scale: 1.5, shiftY: 0.1 }, FRAME);
    expect(r.width).toBe(180);
    expect(r.height).toBe(180);
    expect(r.x + r.width / 2).toBeCloseTo(250);
    expect(r.y + r.height / 2).toBeCloseTo(160 + 12);
  });

  it("moves a square that pokes out of the frame back inside it", () => {
    const r = cropRegion({ x: -20, y: 400, width: 100, height: 100 }, { scale: 1.2, shiftY: 0 }, FRAME);
    expect(r).toEqual({ x: 0, y: 360, width: 120, height: 120 });
  });

  it("shrinks a square larger than the frame to the frame's shorter side", () => {
    const r = cropRegion({ x: 100, y: 0, width: 460, height: 460 }, { scale: 1.5, shiftY: 0 }, FRAME);
    expect(r.width).toBe(480);
    expect(r.y).toBe(0);
    expect(r.x).toBeGreaterThanOrEqual(0);
    expect(r.x + r.width).toBeLessThanOrEqual(640);
  });

  it("refuses empty boxes and non-positive scales with a readable error", () => {
    expect(() => cropRegion({ x: 0, y: 0, width: 0, height: 10 }, { scale: 1, shiftY: 0 }, FRAME)).toThrow(/positive size/);
    expect(() => cropRegion({ x: 0, y: 0, width: 10, height: 10 }, { scale: 0, shiftY: 0 }, FRAME)).toThrow(/scale must be positive/);
  });
});

describe("cropFaces", () => {
  it("cuts exactly the framed square: a white square on black crops to pure white", async () => {
    const frame = tf.tidy(
      () =>
        tf.pad(tf.fill([100, 100, 3], 255), [
          [50, 330],
          [300, 240],
          [0, 0],
        ]) as tf.Tensor3D,
    );
    const crops = cropFaces(frame, [{ x: 300, y: 50, width: 100, height: 100 }], { size: 20, framing: { scale: 1, shiftY: 0 }, colour: "rgb" });
    expect(crops.shape).toEqual([1, 20, 20, 3]);
    expect(await crops.min().data()).toEqual(new Float32Array([255]));
    tf.dispose([frame, crops]);
  });

  it("box-averages large faces instead of aliasing: 1-pixel stripes shrink to mid gray", async () => {
    const stripes = tf.tidy(() => {
      const row = tf.tensor1d(Array.from({ length: 640 }, (_, x) => (x % 2 ? 255 : 0)));
      return tf.tile(tf.reshape(row, [1, 640, 1]), [480, 1, 3]) as tf.Tensor3D;
    });
    const crops = cropFaces(stripes, [{ x: 100, y: 40, width: 384, height: 384 }], { size: 48, framing: { scale: 1, shiftY: 0 }, colour: "rgb" });
    const values = await crops.data();
    expect(Math.min(...values)).toBeGreaterThan(100);
    expect(Math.max(...values)).toBeLessThan(155);
    tf.dispose([stripes, crops]);
  });

  it("crops several faces at once and converts to gray on request", async () => {
    const frame = tf.tidy(() => tf.add(tf.zeros([480, 640, 3]), tf.tensor1d([255, 0, 0])) as tf.Tensor3D);
    const boxes = [
      { x: 10, y: 10, width: 50, height: 50 },
      { x: 300, y: 200, width: 80, height: 60 },
    ];
    const crops = cropFaces(frame, boxes, { size: 32, framing: { scale: 1.2, shiftY: 0 }, colour: "gray" });
    expect(crops.shape).toEqual([2, 32, 32, 3]);
    const px = (await crops.slice([1, 5, 5, 0], [1, 1, 1, 3]).data()) as Float32Array;
    expect(px[0]).toBeCloseTo(255 * 0.2989, 1);
    expect(px[1]).toBeCloseTo(px[0]!, 5);
    expect(px[2]).toBeCloseTo(px[0]!, 5);
    tf.dispose([frame, crops]);
  });

  it("refuses frames that are not RGB, and an empty list of faces", () => {
    const gray = tf.zeros([48, 48, 1]) as tf.Tensor3D;
    const rgb = tf.zeros([48, 48, 3]) as tf.Tensor3D;
    const options = { size: 8, framing: { scale: 1, shiftY: 0 }, colour: "rgb" as const };
    expect(() => cropFaces(gray, [{ x: 0, y: 0, width: 10, height: 10 }], options)).toThrow(/RGB frame/);
    expect(() => cropFaces(rgb, [], options)).toThrow(/at least one face box/);
    tf.dispose([gray, rgb]);
  });
});

describe("grayToThree", () => {
  it("uses ITU-R 601 luma in all three channels", async () => {
    const x = tf.tensor4d([[[[100, 150, 200]]]]);
    const y = await grayToThree(x).data();
    const luma = 0.2989 * 100 + 0.587 * 150 + 0.114 * 200;
    expect([...y].map((v) => Math.round(v * 100) / 100)).toEqual([luma, luma, luma].map((v) => Math.round(v * 100) / 100));
  });
});
