/** A named float32 tensor's values, detached from any backend (for checkpoints). */
export interface TensorRecord {
  name: string;
  shape: number[];
  values: Float32Array;
}

const MAGIC = "MIENPACK1";

/**
 * Packs a JSON-able header plus float32 tensors into one buffer: magic, header length, JSON
 * (with each tensor's name, shape and offset), then the raw values. Used for epoch checkpoints.
 */
export function packTensors(header: unknown, groups: Record<string, readonly TensorRecord[]>): Uint8Array {
  const index: Record<string, Array<{ name: string; shape: number[]; offset: number; length: number }>> = {};
  let offset = 0;
  for (const [group, list] of Object.entries(groups)) {
    index[group] = list.map((t) => {
      const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
      offset += t.values.length;
      return entry;
    });
  }
  const json = new TextEncoder().encode(JSON.stringify({ header, index }));
  const magic = new TextEncoder().encode(MAGIC);
  // Values start on a 4-byte boundary so they can be viewed as float32 in place.
  const headLength = magic.length + 4 + json.length;
  const pad = (4 - (headLength % 4)) % 4;
  const out = new Uint8Array(headLength + pad + offset * 4);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, json.length + pad, true);
  out.set(json, magic.length + 4);
  out.fill(0x20, headLength, headLength + pad);
  const values = new Float32Array(out.buffer, headLength + pad, offset);
  for (const [group, list] of Object.entries(groups)) list.forEach((t, i) => values.set(t.values, index[group]![i]!.offset));
  return out;
}

export function unpackTensors<H>(bytes: Uint8Array): { header: H; groups: Record<string, TensorRecord[]> } {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error("Not a Mien checkpoint (bad magic).");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  const { header, index } = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + jsonLength))) as {
    header: H;
    index: Record<string, Array<{ name: string; shape: number[]; offset: number; length: number }>>;
  };
  const dataStart = start + jsonLength;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.byteLength));
  const groups: Record<string, TensorRecord[]> = {};
  for (const [group, list] of Object.entries(index)) {
    groups[group] = list.map((e) => {
      if (e.offset + e.length > floats.length) throw new Error("Checkpoint is truncated.");
      return { name: e.name, shape: e.shape, values: floats.slice(e.offset, e.offset + e.length) };
    });
  }
  return { header, groups };
}
