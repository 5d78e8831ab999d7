/** Storage layout of published versions: one immutable, content-addressed folder each. */
export const SHA256_RE = /^[0-9a-f]{64}$/;
export const FILE_RE = /^[A-Za-z0-9._-]+$/;

export function versionPrefix(contentHash: string): string {
  if (!SHA256_RE.test(contentHash)) throw new Error(`"${contentHash}" is not a version content hash.`);
  return `models/${contentHash}/`;
}

export function versionFileKey(contentHash: string, file: string): string {
  if (!FILE_RE.test(file) || file.startsWith(".")) throw new Error(`"${file}" is not a plain file name.`);
  return `${versionPrefix(contentHash)}${file}`;
}

/** Where a publish writes first; never served, swept by name prefix. */
export function stagingPrefix(contentHash: string, nonce: string): string {
  return `models/.staging/${contentHash}-${nonce}/`;
}

export const ACTIVE_ALIAS = "active";
