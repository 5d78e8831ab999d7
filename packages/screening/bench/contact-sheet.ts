import sharp from "sharp";

/** A grid of thumbnails, each captioned (e.g. "given → suggested"), written as one PNG for a person to judge. */
export async function contactSheet(items: readonly { file: string; caption: string }[], out: string, columns = 8, size = 112): Promise<void> {
  const rows = Math.ceil(items.length / columns);
  const cell = { width: size, height: size + 16 };
  const tiles = await Promise.all(
    items.map(async (item, i) => {
      const x = (i % columns) * cell.width;
      const y = Math.floor(i / columns) * cell.height;
      const image = await sharp(item.file).resize(size, size, { fit: "contain", background: "#000" }).png().toBuffer();
      const text = item.caption.replace(/&/g, "&amp;").replace(/</g, "&lt;");
      const caption = Buffer.from(
        `<svg width="${cell.width}" height="16"><rect width="100%" height="100%" fill="#fff"/><text x="2" y="12" font-family="sans-serif" font-size="11">${i + 1}. ${text}</text></svg>`,
      );
      return [
        { input: image, left: x, top: y },
        { input: caption, left: x, top: y + size },
      ];
    }),
  );
  await sharp({ create: { width: columns * cell.width, height: Math.max(1, rows) * cell.height, channels: 3, background: "#fff" } })
    .composite(tiles.flat())
    .png()
    .toFile(out);
}
