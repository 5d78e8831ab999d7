import { getIP } from "@better-auth/core/utils/ip";

/**
 * The client address of a request, read exactly as Better Auth reads it for its sign-in limit
 * (X-Forwarded-For with a single hop, IPv6 grouped by /64); null when no trustworthy address is
 * known, and then only per-account limits apply.
 */
export function clientAddress(headers: Headers): string | null {
  return getIP(headers, {});
}
