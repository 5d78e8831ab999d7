// Mien's own wasm kernels for training on tfjs-backend-wasm (AssemblyScript, built with
// `pnpm --filter @mien/model build:kernels`). The module imports tfjs-backend-wasm's memory
// and works on tensors in place: every pointer is a tensor's byte offset in that memory. It
// keeps no data of its own (no data segments, no allocator, no stack in memory), so it can
// never overwrite what the backend owns.

// ---------------------------------------------------------------------------------------
// Transposes. tfjs-backend-wasm's Transpose computes a multi-index per element (measured
// 13–21 ns per element on training shapes); these move 8×8 tiles and whole rows instead.

/**
 * `count` 2-D transposes at once: dst[k·dstStep + c·dstStride + r] = src[k·srcStep + r·srcStride + c]
 * for r < rows, c < cols, k < count. Tiles of 8 rows × 8 columns, with k innermost so that
 * both sides stream through 8 rows each instead of jumping a whole plane per element.
 */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32, srcStride: i32, dstStride: i32, count: i32, srcStep: i32, dstStep: i32): void {
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(r0 + 8, rows);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min(c0 + 8, cols);
      for (let k = 0; k < count; k++) {
        const s0 = src + ((<usize>(k * srcStep)) << 2);
        const d0 = dst + ((<usize>(k * dstStep)) << 2);
        for (let r = r0; r < r1; r++) {
          const s = s0 + ((<usize>(r * srcStride)) << 2);
          for (let c = c0; c < c1; c++) store<f32>(d0 + ((<usize>(c * dstStride + r)) << 2), load<f32>(s + ((<usize>c) << 2)));
        }
      }
    }
  }
}

/** [a, b, c] → [b, a, c]: moves rows of c floats. */
export function swapOuter(src: usize, dst: usize, a: i32, b: i32, c: i32): void {
  const row = (<usize>c) << 2;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) memory.copy(dst + <usize>(j * a + i) * row, src + <usize>(i * b + j) * row, row);
  }
}

// ---------------------------------------------------------------------------------------
// Batch normalisation over N·H·W rows of C channels (NHWC), training mode.

/**
 * Per-channel sums of dy and of dy·x̂, where x̂ = (x − mean)·rstd: the two reductions the
 * input gradient needs, in one pass. sums[0..C) = Σdy, sums[C..2C) = Σ dy·x̂.
 */
export function bnBackwardSums(x: usize, dy: usize, mean: usize, rstd: usize, sums: usize, rows: i32, c: i32): void {
  for (let k = 0; k < 2 * c; k++) store<f32>(sums + ((<usize>k) << 2), 0);
  const vec = c & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>(r * c)) << 2);
    const dr = dy + ((<usize>(r * c)) << 2);
    let k = 0;
    for (; k < vec; k += 4) {
      const o = (<usize>k) << 2;
      const g = v128.load(dr + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), v128.load(rstd + o));
      v128.store(sums + o, f32x4.add(v128.load(sums + o), g));
      const o2 = (<usize>(k + c)) << 2;
      v128.store(sums + o2, f32x4.add(v128.load(sums + o2), f32x4.mul(g, xh)));
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const g = load<f32>(dr + o);
      const xh = (load<f32>(xr + o) - load<f32>(mean + o)) * load<f32>(rstd + o);
      store<f32>(sums + o, load<f32>(sums + o) + g);
      const o2 = (<usize>(k + c)) << 2;
      store<f32>(sums + o2, load<f32>(sums + o2) + g * xh);
    }
  }
}

/**
 * dx = γ·rstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n), given the sums from bnBackwardSums.
 * `scale` is γ·rstd per channel; `sums` as above; `inv` = 1/rows.
 */
export function bnBackwardInput(x: usize, dy: usize, mean: usize, rstd: usize, scale: usize, sums: usize, dx: usize, rows: i32, c: i32, inv: f32): void {
  const vec = c & ~3;
  const vinv = f32x4.splat(inv);
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * c)) << 2;
    let k = 0;
    for (; k < vec; k += 4) {
      const o = (<usize>k) << 2;
      const o2 = (<usize>(k + c)) << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + base + o), v128.load(mean + o)), v128.load(rstd + o));
      const meanDy = f32x4.mul(v128.load(sums + o), vinv);
      const meanDyXh = f32x4.mul(v128.load(sums + o2), vinv);
      const g = f32x4.sub(f32x4.sub(v128.load(dy + base + o), meanDy), f32x4.mul(xh, meanDyXh));
      v128.store(dx + base + o, f32x4.mul(g, v128.load(scale + o)));
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const o2 = (<usize>(k + c)) << 2;
      const xh = (load<f32>(x + base + o) - load<f32>(mean + o)) * load<f32>(rstd + o);
      const g = load<f32>(dy + base + o) - load<f32>(sums + o) * inv - xh * load<f32>(sums + o2) * inv;
      store<f32>(dx + base + o, g * load<f32>(scale + o));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Max pooling gradient (NHWC). Each window's gradient goes to its first maximum in row-major
// order, as in TensorFlow and TF.js's cpu backend. Windows may overlap (stride < size).

export function maxPoolGrad(
  x: usize,
  dy: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const vec = c & ~3;
  const row = (<usize>(w * c)) << 2;
  const pixel = (<usize>c) << 2;
  // Windows that tile the image from its corner (2×2 stride 2, the usual case) cover each pixel
  // at most once, so the gradient is stored, not added, and only the pixels no window covers
  // (the last row or column of an odd size under "valid") are cleared first.
  const tiles = sh == kh && sw == kw && padTop == 0 && padLeft == 0;
  if (!tiles) memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  const coveredRows = min(oh * kh, h);
  const coveredCols = min(ow * kw, w);
  for (let b = 0; b < n; b++) {
    const xb = x + ((<usize>(b * h * w * c)) << 2);
    const dxb = dx + ((<usize>(b * h * w * c)) << 2);
    if (tiles) {
      if (coveredCols < w)
        for (let yy = 0; yy < coveredRows; yy++) memory.fill(dxb + <usize>yy * row + <usize>coveredCols * pixel, 0, <usize>(w - coveredCols) * pixel);
      if (coveredRows < h) memory.fill(dxb + <usize>coveredRows * row, 0, <usize>(h - coveredRows) * row);
    }
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padTop;
      const ya = max(y0, 0);
      const yb = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padLeft;
        const xa = max(x0, 0);
        const xbnd = min(x0 + kw, w);
        if (ya >= yb || xa >= xbnd) continue;
        const g = dy + ((<usize>(((b * oh + oy) * ow + ox) * c)) << 2);
        const corner = (<usize>((ya * w + xa) * c)) << 2;
        // Four channels at a time: the window position of each lane's first maximum (a later
        // pixel replaces it only when strictly greater, so ties and NaNs keep the earlier one)…
        for (let k = 0; k < vec; k += 4) {
          const o = corner + ((<usize>k) << 2);
          let best = v128.load(xb + o);
          let at = i32x4.splat(0);
          let t = 0;
          for (let yy = ya; yy < yb; yy++) {
            const r = o + <usize>(yy - ya) * row;
            for (let xx = xa; xx < xbnd; xx++, t++) {
              const v = v128.load(xb + r + <usize>(xx - xa) * pixel);
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              at = v128.bitselect(i32x4.splat(t), at, greater);
            }
          }
          // …then each lane's gradient is added at that position.
          const grad = v128.load(g + ((<usize>k) << 2));
          t = 0;
          for (let yy = ya; yy < yb; yy++) {
            const r = o + <usize>(yy - ya) * row;
            for (let xx = xa; xx < xbnd; xx++, t++) {
              const p = dxb + r + <usize>(xx - xa) * pixel;
              const share = v128.and(grad, i32x4.eq(at, i32x4.splat(t)));
              v128.store(p, tiles ? share : f32x4.add(v128.load(p), share));
            }
          }
        }
        for (let k = vec; k < c; k++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let yy = ya; yy < yb; yy++) {
            for (let xx = xa; xx < xbnd; xx++) {
              const i = (yy * w + xx) * c + k;
              const v = load<f32>(xb + ((<usize>i) << 2));
              if (tiles) store<f32>(dxb + ((<usize>i) << 2), 0);
              if (v > best || at < 0) {
                best = v;
                at = i;
              }
            }
          }
          const p = dxb + ((<usize>at) << 2);
          store<f32>(p, load<f32>(p) + load<f32>(g + ((<usize>k) << 2)));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// im2col (NHWC): row (b, oy, ox) of dst holds the kh×kw×c window under output pixel (oy, ox),
// zeros outside the image. Used for the filter gradient of layers with few input channels.

export function im2col(
  x: usize,
  dst: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const rowBytes = (<usize>c) << 2;
  let out = dst;
  for (let b = 0; b < n; b++) {
    const xb = x + ((<usize>(b * h * w * c)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let a = 0; a < kh; a++) {
          const yy = oy * sh - padTop + a;
          for (let bb = 0; bb < kw; bb++) {
            const xx = ox * sw - padLeft + bb;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) memory.fill(out, 0, rowBytes);
            else if (c == 1) store<f32>(out, load<f32>(xb + ((<usize>(yy * w + xx)) << 2)));
            else memory.copy(out, xb + ((<usize>((yy * w + xx) * c)) << 2), rowBytes);
            out += rowBytes;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Filter gradient of a convolution with few input channels (the first layer: kh·kw·ci < co).

/**
 * dW[a, b, i, o] = Σ over images and output pixels of x[…, y·sh − padTop + a, x·sw − padLeft + b, i]
 * · dy[…, y, x, o], four output channels at a time. Each image's sum is gathered in `scratch`
 * (kh·kw·ci·co floats) and then added to dW, so a long batch does not pile every product into
 * one float32 running sum.
 */
export function filterGradFewChannels(
  x: usize,
  dy: usize,
  dw: usize,
  scratch: usize,
  n: i32,
  h: i32,
  w: i32,
  ci: i32,
  co: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const size = kh * kw * ci * co;
  const bytes = (<usize>size) << 2;
  const vec = co & ~3;
  memory.fill(dw, 0, bytes);
  for (let b = 0; b < n; b++) {
    memory.fill(scratch, 0, bytes);
    const xb = x + ((<usize>(b * h * w * ci)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const g = dy + ((<usize>(((b * oh + oy) * ow + ox) * co)) << 2);
        for (let a = 0; a < kh; a++) {
          const yy = oy * sh - padTop + a;
          if (yy < 0 || yy >= h) continue;
          for (let bb = 0; bb < kw; bb++) {
            const xx = ox * sw - padLeft + bb;
            if (xx < 0 || xx >= w) continue;
            const px = xb + ((<usize>((yy * w + xx) * ci)) << 2);
            for (let i = 0; i < ci; i++) {
              const v = load<f32>(px + ((<usize>i) << 2));
              const vv = f32x4.splat(v);
              const row = scratch + ((<usize>(((a * kw + bb) * ci + i) * co)) << 2);
              let o = 0;
              for (; o < vec; o += 4) {
                const at = (<usize>o) << 2;
                v128.store(row + at, f32x4.add(v128.load(row + at), f32x4.mul(vv, v128.load(g + at))));
              }
              for (; o < co; o++) {
                const at = (<usize>o) << 2;
                store<f32>(row + at, load<f32>(row + at) + v * load<f32>(g + at));
              }
            }
          }
        }
      }
    }
    let k = 0;
    for (; k < (size & ~3); k += 4) {
      const at = (<usize>k) << 2;
      v128.store(dw + at, f32x4.add(v128.load(dw + at), v128.load(scratch + at)));
    }
    for (; k < size; k++) {
      const at = (<usize>k) << 2;
      store<f32>(dw + at, load<f32>(dw + at) + load<f32>(scratch + at));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Depthwise convolution gradients, channel multiplier 1 (NHWC, filter [kh, kw, c]). Both walk
// the output pixels and the filter taps and vectorise over channels, so they cost what the
// forward pass costs. (XNNPACK has no fast path for the filter gradient as a convolution: its
// kernel would be the whole output map, e.g. 49 taps over n·c channels, measured 34–57× the forward.)

/** dW[a, b, k] = Σ over images and output pixels of x[…, y·sh − padTop + a, x·sw − padLeft + b, k] · dy[…, y, x, k]. */
export function depthwiseFilterGrad(
  x: usize,
  dy: usize,
  dw: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
): void {
  memory.fill(dw, 0, (<usize>(kh * kw * c)) << 2);
  depthwiseTaps<IntoTaps>(x, dw, dy, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft);
}

/**
 * dX[…, y·sh − padTop + a, x·sw − padLeft + b, k] += W[a, b, k] · dy[…, y, x, k] (a scatter over
 * the forward's taps), into a cleared dX, or into dX as it is when `accumulate` (channel
 * multipliers above 1 add one pass per multiplier).
 */
export function depthwiseInputGrad(
  dy: usize,
  filter: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
  accumulate: bool,
): void {
  if (!accumulate) memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  depthwiseTaps<IntoPixels>(dx, filter, dy, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft);
}

/**
 * Which side of a depthwise gradient accumulates: the input image's pixels (dX) or the filter's
 * taps (dW). Stand-in types that `isInteger` tells apart at compile time.
 */
type IntoPixels = i32;
type IntoTaps = f32;

/**
 * The walk both depthwise gradients share: for every output pixel and every filter tap inside
 * the image, sum[k] += other[k] · dy[…, y, x, k] over the channels, four at a time, where the
 * sum is at `pixels` (dX; `taps` is the filter) for `IntoPixels` and at `taps` (dW; `pixels`
 * is x) for `IntoTaps`. The side is a type, not an argument, so each gradient gets its own copy
 * of the loop with the choice folded away: as a bool argument the shared loop ran about 1.9×
 * slower at 16 channels (two selects per tap).
 */
function depthwiseTaps<Into>(
  pixels: usize,
  taps: usize,
  dy: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const intoPixels = isInteger<Into>();
  const vec = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const g = dy + ((<usize>(((b * oh + oy) * ow + ox) * c)) << 2);
        for (let a = 0; a < kh; a++) {
          const yy = oy * sh - padTop + a;
          if (yy < 0 || yy >= h) continue;
          for (let bb = 0; bb < kw; bb++) {
            const xx = ox * sw - padLeft + bb;
            if (xx < 0 || xx >= w) continue;
            const pp = pixels + ((<usize>(((b * h + yy) * w + xx) * c)) << 2);
            const tp = taps + ((<usize>((a * kw + bb) * c)) << 2);
            const sum = intoPixels ? pp : tp;
            const other = intoPixels ? tp : pp;
            let k = 0;
            for (; k < vec; k += 4) {
              const o = (<usize>k) << 2;
              v128.store(sum + o, f32x4.add(v128.load(sum + o), f32x4.mul(v128.load(other + o), v128.load(g + o))));
            }
            for (; k < c; k++) {
              const o = (<usize>k) << 2;
              store<f32>(sum + o, load<f32>(sum + o) + load<f32>(other + o) * load<f32>(g + o));
            }
          }
        }
      }
    }
  }
}
