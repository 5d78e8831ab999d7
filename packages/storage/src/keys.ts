const MAX_KEY_BYTES = 1024;

/**
 * Rejects keys that could escape the storage root or mean different things on
 * different drivers: "..", ".", empty segments, absolute paths, backslashes, NUL.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new Error(`Invalid storage key ${JSON.stringify(key)}: ${problem}. Use a relative path like "originals/ab/abcd.jpg".`);
}

/** Same rules for a list prefix, which may also be "", end with "/", or end mid-segment ("thumbs/a"). */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  const problem = keyProblem(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  if (problem) throw new Error(`Invalid storage prefix ${JSON.stringify(prefix)}: ${problem}.`);
}

function keyProblem(key: string): string | null {
  if (typeof key !== "string" || key.length === 0) return "it is empty";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes("\0")) return "it contains a NUL character";
  if (key.includes("\\")) return "it contains a backslash";
  if (key.startsWith("/") || /^[A-Za-z]:/.test(key)) return "it is an absolute path";
  const segments = key.split("/");
  for (const s of segments) {
    if (s === "..") return 'it contains a ".." segment';
    if (s === ".") return 'it contains a "." segment';
    if (s === "") return "it contains an empty segment";
  }
  return null;
}
