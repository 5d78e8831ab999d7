// usage: node sheet.mjs out.png cols size file1 [label1] ...
import sharp from "sharp";
const [out, colsS, sizeS, ...items] = process.argv.slice(2);
const cols = +colsS, size = +sizeS;
const entries = items.map(s => { const [f, cap] = s.split("::"); return { f, cap: cap ?? "" }; });
const rows = Math.ceil(entries.length / cols);
const capH = 14;
const tiles = await Promise.all(entries.map(async ({ f, cap }, i) => {
  const img = await sharp(f).resize(size, size, { fit: "contain", background: "#000" }).png().toBuffer();
  const esc = cap.replace(/&/g,"&amp;").replace(/</g,"&lt;");
  const svg = Buffer.from(`<svg width="${size}" height="${capH}"><rect width="100%" height="100%" fill="white"/><text x="2" y="11" font-size="11" font-family="sans-serif">${esc}</text></svg>`);
  return [{ input: img, left: (i % cols) * size, top: Math.floor(i / cols) * (size + capH) }, { input: svg, left: (i % cols) * size, top: Math.floor(i / cols) * (size + capH) + size }];
}));
await sharp({ create: { width: cols * size, height: rows * (size + capH), channels: 3, background: "#888" } }).composite(tiles.flat()).png().toFile(out);
