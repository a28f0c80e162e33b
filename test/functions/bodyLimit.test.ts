/**
 * A body over MAX_REQUEST_BODY_BYTES is refused while it streams: the app stops reading at the limit, whatever the
 * body declares (here nothing: chunked), instead of buffering all of it and then refusing.
 */
import { readJsonBody } from '../../src/functions/http';

const CHUNK = 64 * 1024;

/** A 90 MB body produced on demand, counting how much of it was pulled. */
function streamedRequest(totalBytes: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= totalBytes) return controller.close();
      const n = Math.min(CHUNK, totalBytes - pulled);
      pulled += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
  const request = {
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    body,
    // What reading the whole body would do (the app did this before it streamed).
    arrayBuffer: () => new Response(body).arrayBuffer(),
  };
  return { request, pulled: () => pulled };
}

describe('the request body limit', () => {
  it('stops reading a chunked 90 MB body at the limit and answers 413', async () => {
    const { request, pulled } = streamedRequest(90 * 1024 * 1024);
    const read = await readJsonBody(request, 1024 * 1024);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.response.status).toBe(413);
      expect(JSON.stringify(read.response.jsonBody)).toContain('MAX_REQUEST_BODY_BYTES');
    }
    expect(pulled()).toBeLessThanOrEqual(1024 * 1024 + 2 * CHUNK);
  });

  it('refuses a declared length over the limit without reading anything', async () => {
    const { request, pulled } = streamedRequest(90 * 1024 * 1024, { 'content-length': String(90 * 1024 * 1024) });
    const read = await readJsonBody(request, 1024 * 1024);
    expect(read.ok).toBe(false);
    // Only what the stream queued by itself when it was made (one chunk): the app read nothing.
    expect(pulled()).toBeLessThanOrEqual(CHUNK);
  });

  it('reads a body at the limit whole', async () => {
    const text = JSON.stringify({ a: 'x'.repeat(1000) });
    const request = {
      headers: new Headers({ 'content-type': 'application/json' }),
      body: new Response(text).body,
    };
    const read = await readJsonBody(request, Buffer.byteLength(text));
    expect(read).toMatchObject({ ok: true, value: { a: 'x'.repeat(1000) }, text });
  });
});
