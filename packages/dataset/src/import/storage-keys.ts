// Content-addressed: the same bytes always land on the same key, so re-imports and resumed runs overwrite nothing new.
export function originalKey(sha256: string, ext: string): string {
  return `originals/${sha256.slice(0, 2)}/${sha256}.${ext}`;
}

export function thumbKey(sha256: string): string {
  return `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`;
}
