import { BROWSER_BACKEND_ORDER, selectBackend, type BackendChoice } from "@mien/model";

/** Renderer names of WebGL implemented on the CPU, where TF.js's wasm backend is much faster. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL renderer's name, or null without WebGL (e.g. a browser started with --disable-gpu). */
export function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

export interface CoachBackend extends BackendChoice {
  /** Why backends before the chosen one were skipped, in words. */
  notes: string[];
}

/**
 * WebGL, then wasm, then cpu; software WebGL is skipped because it runs the same shaders on the
 * CPU far slower than wasm's SIMD kernels. `only` forces an order (for benchmarks).
 */
export async function chooseBackend(wasmUrl: string, only?: readonly string[]): Promise<CoachBackend> {
  const notes: string[] = [];
  let order: readonly string[] = only && only.length ? only : BROWSER_BACKEND_ORDER;
  if (!only?.length) {
    const renderer = webglRenderer();
    if (renderer === null) {
      notes.push("WebGL is not available in this browser.");
      order = order.filter((b) => b !== "webgl");
    } else if (SOFTWARE_RENDERER.test(renderer)) {
      notes.push(`WebGL runs in software here (${renderer}), so the wasm backend is faster.`);
      order = order.filter((b) => b !== "webgl");
    }
  }
  const choice = await selectBackend({ order, wasmPaths: wasmUrl, log: () => {} });
  for (const a of choice.attempts) if (a.error) notes.push(`${a.name} failed to start: ${a.error}.`);
  return { ...choice, notes };
}
