/** Stride and anchors per cell of the short-range face detector's two feature maps. */
const LAYERS = [
  { stride: 8, perCell: 2 },
  { stride: 16, perCell: 6 },
] as const;

/** How many anchors each feature map has (512 and 384 at 128 px), in output order. */
export function anchorLayerSizes(inputSize: number): number[] {
  return LAYERS.map(({ stride, perCell }) => Math.ceil(inputSize / stride) ** 2 * perCell);
}

/**
 * Anchor centres of MediaPipe's short-range face detector (SSD anchors with fixed size 1):
 * a 16×16 grid with 2 anchors per cell at stride 8, then an 8×8 grid with 6 per cell at stride
 * 16, in input pixels. The order matches the model's outputs: row by row, anchors of a cell together.
 */
export function blazeFaceAnchors(inputSize: number): Array<readonly [number, number]> {
  const anchors: Array<readonly [number, number]> = [];
  for (const { stride, perCell } of LAYERS) {
    const cells = Math.ceil(inputSize / stride);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let n = 0; n < perCell; n++) anchors.push([(x + 0.5) * stride, (y + 0.5) * stride]);
      }
    }
  }
  return anchors;
}
