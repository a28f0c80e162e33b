/**
 * What a hostile newcomer tries over real HTTP (the app in the local host, Azure played by the emulator): forged
 * forwarded headers in Location/statusUri, HEAD on GET routes, JSON errors a browser could sniff, and a 90 MB
 * chunked body that must be refused while it streams.
 */
import http from 'node:http';
import { body } from './configs';
import { api, startStack, type Stack } from './stack';

jest.setTimeout(240_000);

let stack: Stack;
const base = (): string => `${stack.host.url}/api`;

beforeAll(async () => {
  stack = await startStack({ env: { TRUSTED_FORWARDED_HOSTS: 'rag.contoso.com' } });
});

afterAll(async () => {
  await stack?.close();
});

/** POST /api/experiments with these extra headers; the Location and statusUri it answers. */
async function startWith(name: string, headers: Record<string, string>) {
  const res = await api(base(), 'POST', '/experiments', body(name), headers);
  expect(res.status).toBe(202);
  return { location: res.headers.get('location'), statusUri: (res.body as { statusUri: string }).statusUri };
}

describe('forwarded headers', () => {
  it('ignore a forwarded host nobody named, and any scheme but http(s)', async () => {
    const own = new URL(stack.host.url).host;
    const { location, statusUri } = await startWith('e2e-fwd-evil', {
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'javascript',
    });
    for (const uri of [location, statusUri]) expect(uri).toMatch(new RegExp(`^http://${own}/api/experiments/`));
  });

  it('take the host of a proxy named in TRUSTED_FORWARDED_HOSTS', async () => {
    const { location, statusUri } = await startWith('e2e-fwd-proxy', {
      'X-Forwarded-Host': 'rag.contoso.com',
      'X-Forwarded-Proto': 'https',
    });
    for (const uri of [location, statusUri]) expect(uri).toMatch(/^https:\/\/rag\.contoso\.com\/api\/experiments\//);
  });
});

it('answers HEAD on GET routes with the GET headers and no body', async () => {
  for (const path of ['/experiments', '/reports']) {
    const get = await fetch(`${base()}${path}`);
    const head = await fetch(`${base()}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(await head.text()).toBe('');
  }
  const missing = await fetch(`${base()}/experiments/no-such-experiment`, { method: 'HEAD' });
  expect(missing.status).toBe(404);
});

it('sends JSON errors with X-Content-Type-Options: nosniff', async () => {
  const res = await api(base(), 'GET', '/experiments/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  expect(res.status).toBe(404);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const refused = await api(base(), 'POST', '/plan', '{', { 'content-type': 'application/json' });
  expect(refused.status).toBe(400);
  expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
});

it('refuses a chunked 90 MB body while it is still being sent', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${base()}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    let sent = 0;
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const pump = (): void => {
      // Stop short of the end: the answer must come before the body does.
      while (sent < 80 * 1024 * 1024 && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    pump();
  });
  expect(status).toBe(413);
});
