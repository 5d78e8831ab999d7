import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { decodeAll } from "../../scripts/lib/class-folders.ts";
import { embedImages, loadBackbone, type BackboneId } from "../../src/backbones/index.ts";
import { selectNodeBackend } from "../../src/backend.node.ts";
import { nodeModelSources } from "../../src/model-files.node.ts";
import type { PixelImage } from "../../src/preprocess.ts";
import { loadPass, planPasses } from "./embedding-passes.ts";

const FER_VAL = resolve(fileURLToPath(new URL("../../../../../shared/data/fer2013/val", import.meta.url)));
const sources = nodeModelSources();
let images: PixelImage[];

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
  images = await decodeAll(FER_VAL, [
    { path: "happy/PublicTest_57534121.jpg", label: "happiness" },
    { path: "fear/PublicTest_10150476.jpg", label: "fear" },
    { path: "surprise/PublicTest_77507848.jpg", label: "surprise" },
  ]);
});

describe("shared embedding passes", () => {
  it("groups face-api's expression variants into one pass and keeps the rest apart", () => {
    expect(planPasses(["faceres-112", "faceapi-expression-g3", "mobileface", "faceapi-expression"])).toEqual([
      ["faceapi-expression-g3", "faceapi-expression"],
      ["faceres-112"],
      ["mobileface"],
    ]);
  });

  it("gives each variant the embedding its own backbone gives", async () => {
    const ids: BackboneId[] = ["faceapi-expression", "faceapi-expression-g2", "faceapi-expression-g3x3"];
    const pass = await loadPass(ids, sources);
    for (const flip of [false, true]) {
      const outs = pass.embed(images, { flip });
      for (const [j, id] of ids.entries()) {
        const backbone = await loadBackbone(id, sources);
        const own = embedImages(backbone, images, { flip });
        expect(outs[j]!.shape).toEqual([images.length, backbone.dim]);
        const a = await outs[j]!.data();
        const b = await own.data();
        expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
        own.dispose();
        backbone.dispose();
      }
      outs.forEach((t) => t.dispose());
    }
    pass.dispose();
  });
});
