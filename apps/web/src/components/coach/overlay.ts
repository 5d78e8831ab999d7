import type { SessionSnapshot } from "../../coach/live-session.ts";
import { percent } from "../../coach/readout.ts";
import type { Reading } from "../../coach/worker/protocol.ts";
import { EXPRESSION_COLOURS, OKABE_ITO } from "./expression-colours.ts";

/**
 * Draws the face boxes over the (mirrored, selfie-view) video: the box is mirrored to match the
 * picture, its label is not, so it stays readable. Solid outline with the reading when one face
 * is read; dashed when unclear; dashed vermillion, unlabelled by expression, for several faces.
 */
export function drawOverlay(canvas: HTMLCanvasElement, reading: Reading, snapshot: SessionSnapshot): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  if (canvas.width !== reading.frameWidth || canvas.height !== reading.frameHeight) {
    canvas.width = reading.frameWidth;
    canvas.height = reading.frameHeight;
  }
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const several = reading.faces.length > 1;
  const scale = canvas.width / 640;
  ctx.lineWidth = Math.max(2, 3 * scale);
  ctx.font = `600 ${Math.round(16 * scale)}px system-ui, sans-serif`;
  ctx.textBaseline = "top";
  for (const face of reading.faces) {
    const x = canvas.width - face.box.x - face.box.width;
    const { y, width, height } = face.box;
    let colour: string = OKABE_ITO.vermillion;
    let label = "several faces";
    let dashed = true;
    if (!several) {
      const readout = snapshot.readout;
      if (readout?.clear) {
        colour = EXPRESSION_COLOURS[readout.top[0]!.expression];
        label = `${readout.top[0]!.expression} ${percent(readout.top[0]!.probability)}`;
        dashed = false;
      } else {
        colour = OKABE_ITO.yellow;
        label = readout ? "unclear" : "reading…";
      }
    }
    ctx.setLineDash(dashed ? [10 * scale, 6 * scale] : []);
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, width, height);
    const pad = 4 * scale;
    const textWidth = ctx.measureText(label).width;
    const tagHeight = 16 * scale + 2 * pad;
    const tagY = y - tagHeight >= 0 ? y - tagHeight : y + height;
    ctx.setLineDash([]);
    ctx.fillStyle = "rgba(0, 0, 0, 0.72)";
    ctx.fillRect(x, tagY, textWidth + 2 * pad, tagHeight);
    ctx.fillStyle = "#ffffff";
    ctx.fillText(label, x + pad, tagY + pad);
  }
}

export function clearOverlay(canvas: HTMLCanvasElement | null): void {
  canvas?.getContext("2d")?.clearRect(0, 0, canvas.width, canvas.height);
}
