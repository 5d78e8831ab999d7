import { createHash, randomBytes } from "node:crypto";

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped is hard to get wrong. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 160 random bits (at least 128 are required), written as 32 characters in groups of four. */
const CODE_BYTES = 20;
export const CODE_LENGTH = (CODE_BYTES * 8) / 5;

/** A fresh invitation code, e.g. "7K2Q-M9XD-…" (8 groups of 4). */
export function newInvitationCode(): string {
  const bytes = randomBytes(CODE_BYTES);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join("-");
}

/**
 * The code as typed or pasted, in canonical form (upper case, no separators, the letters
 * Crockford reads as digits mapped to them), or null when it cannot be a code at all.
 */
export function normaliseInvitationCode(input: string): string | null {
  const compact = input.trim().toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (compact.length !== CODE_LENGTH) return null;
  for (const c of compact) if (!ALPHABET.includes(c)) return null;
  return compact;
}

/** What the database keeps of a code: its sha256, so a copy of the database redeems nothing. */
export function invitationCodeHash(canonical: string): string {
  return createHash("sha256").update(canonical).digest("hex");
}
