import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { nodeModelSources, selectNodeBackend } from "@mien/model/node";

import { decodeRgb } from "./decode.ts";
import { FaceCounter } from "./faces.ts";
import { corpusImage } from "./testing/index.ts";

let counter: FaceCounter;
beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
  counter = await FaceCounter.load(nodeModelSources());
});
afterAll(() => counter?.dispose());

const count = async (bytes: Buffer) => (await counter.count([await decodeRgb(bytes)]))[0]!;

describe("face count on real images", () => {
  it("finds the one face of a tight corpus crop, with its box", async () => {
    const result = await count(corpusImage("Aaron_Eckhart_0001.jpg"));
    expect(result.faceCount).toBe(1);
    expect(result.faceScore).toBeGreaterThan(0.7);
    expect(result.faceBox!.width).toBeGreaterThan(0.4);
  });

  it("finds two faces where the corpus photo shows two people", async () => {
    // The corpus labels this as one woman's face; a second face fills the right edge.
    expect((await count(corpusImage("Cori_Enghusen_0001.jpg"))).faceCount).toBe(2);
  });

  it("finds no face in a crop that shows only a mouth, nor in the background strip above a head", async () => {
    // A corpus image cut so tight that only the mouth and chin remain: a curator would flag it "no face".
    const mouth = await count(corpusImage("Avinash_22.jpg"));
    expect(mouth.faceCount).toBe(0);
    expect(mouth.faceBox).toBeNull();
    const portrait = corpusImage("Carlos_Beltran_0001.jpg");
    const strip = await sharp(portrait).extract({ left: 0, top: 0, width: 160, height: 40 }).jpeg().toBuffer();
    expect((await count(strip)).faceCount).toBe(0);
  });

  it("counts a batch in one call, in order", async () => {
    const images = await Promise.all(["Cori_Enghusen_0001.jpg", "Avinash_22.jpg", "Amber_Frey_0001.jpg"].map((n) => decodeRgb(corpusImage(n))));
    expect((await counter.count(images)).map((r) => r.faceCount)).toEqual([2, 0, 1]);
  });
});
