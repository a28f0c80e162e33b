/**
 * A pure, deterministic, fast content hash for names and versions (job names, component versions, config hashes).
 *
 * Why not `node:crypto`: the core must run unchanged wherever the plan is computed (Functions host, CLI, bench, and
 * possibly a browser-side preview), and these hashes only need to be stable and well spread, not secure: they name
 * things so that a retry finds the same name. Two independent 32-bit multiply-xorshift lanes (the cyrb53 scheme, each
 * lane kept at 32 bits) give 64 bits over the UTF-16 code units of the text. With 1,000 pipelines per experiment the
 * chance that two 48-bit (12 hex) prefixes collide is about 2e-9.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef ^ 0x9e3779b9;
  let h2 = 0x41c6ce57 ^ 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex32(h2) + hex32(h1);
}

/** The first `length` hex digits (1..16) of `hash64(text)`. */
export function shortHash(text: string, length = 12): string {
  if (!Number.isInteger(length) || length < 1 || length > 16) throw new RangeError('length must be 1..16');
  return hash64(text).slice(0, length);
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
