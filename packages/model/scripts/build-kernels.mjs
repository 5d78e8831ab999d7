// Builds assembly/kernels.ts (AssemblyScript) into src/wasm-kernels/mien-kernels.wasm.
// `--check` builds to a temporary file and fails if the committed binary differs.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import asc from "assemblyscript/asc";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = join(root, "src/wasm-kernels/mien-kernels.wasm");
const check = process.argv.includes("--check");
const out = check ? join(mkdtempSync(join(tmpdir(), "mien-kernels-")), "k.wasm") : target;
// No runtime, no assertions, memory imported from tfjs-backend-wasm: the module has no data of its own.
export const ASC_FLAGS = ["-O3", "--runtime", "stub", "--importMemory", "--noAssert", "--enable", "simd"];
const { error, stderr } = await asc.main([join(root, "assembly/kernels.ts"), ...ASC_FLAGS, "-o", out], {});
if (error) {
  console.error(stderr.toString());
  process.exit(1);
}
if (check && !readFileSync(out).equals(readFileSync(target))) {
  console.error("src/wasm-kernels/mien-kernels.wasm is not the build of assembly/kernels.ts; run pnpm --filter @mien/model build:kernels");
  process.exit(1);
}
console.error(check ? "mien-kernels.wasm matches assembly/kernels.ts" : `wrote ${target}`);
