/**
 * A `?next=` destination after sign-in, kept only when it is a path on this site ("/mentor/accept"),
 * so a crafted link cannot send someone elsewhere (no "//host", no "/\\host", no scheme).
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if (value.length > 200 || [...value].some((c) => c.charCodeAt(0) < 0x20)) return null;
  return value;
}
