/**
 * Reads a request body chunk by chunk and stops as soon as it passes the limit: the rest is never pulled, so a body
 * over the limit costs at most the limit in memory, whatever it declares (or does not: chunked transfer encoding).
 * With the host's streaming (`enableHttpStream`) the bytes come straight off the socket; with the buffered model
 * the host has its own limit, `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` (docs/configuration.md).
 */

export type BodyBytes = { ok: true; bytes: Buffer } | { ok: false; reason: 'tooLarge' };

export async function readBodyWithin(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<BodyBytes> {
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Tell the source to stop: nothing more is read or kept.
      await reader.cancel('request body over the limit').catch(() => undefined);
      return { ok: false, reason: 'tooLarge' };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, size) };
}
