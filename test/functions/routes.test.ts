/**
 * The route table (`src/functions/routes.ts`) is the one place HTTP functions are registered: each route's methods
 * are taken by exactly one function, every GET takes HEAD, and every other method gets the 405 answer.
 */
import { HttpRequest } from '@azure/functions';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_METHODS, methodNotAllowed } from '../../src/functions/methodNotAllowed';
import { allowedMethods, ROUTES } from '../../src/functions/routes';

const SRC = path.resolve(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('the route table', () => {
  it('lists every route with the methods it takes', () => {
    expect(Object.fromEntries(ROUTES.map((r) => [r.route, allowedMethods(r).join(', ')]))).toEqual({
      experiments: 'GET, HEAD, POST',
      'experiments/{id}': 'GET, HEAD',
      'experiments/{id}/cancel': 'POST',
      'experiments/{id}/baseline': 'DELETE, POST',
      schedules: 'GET, HEAD',
      'schedules/{name}/trend': 'GET, HEAD',
      'schedules/{name}/history.csv': 'GET, HEAD',
      'schedules/{name}/history.json': 'GET, HEAD',
      plan: 'POST',
      'experiments/{id}/report': 'GET, HEAD',
      reports: 'GET, HEAD',
      'report-assets/{name}': 'GET, HEAD',
    });
  });

  it('gives each method of a route to one function, HEAD with every GET, and unique function names', () => {
    const names = ROUTES.flatMap((r) => [...r.endpoints.map((e) => e.name), `${r.name}MethodNotAllowed`]);
    expect(new Set(names).size).toBe(names.length);
    for (const route of ROUTES) {
      const taken = route.endpoints.flatMap((e) => e.methods);
      expect(new Set(taken).size).toBe(taken.length);
      for (const e of route.endpoints) expect(e.methods.includes('GET')).toBe(e.methods.includes('HEAD'));
    }
  });

  it('is the only registration of an HTTP function in src/', () => {
    const registering = sources(SRC)
      .filter((file) => /\bapp(\.client)?\.http\(/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC, file));
    expect(registering).toEqual([path.join('functions', 'routes.ts')]);
  });

  it('answers a method a route does not take with 405, Allow and a JSON error', async () => {
    const experiments = ROUTES.find((r) => r.route === 'experiments')!;
    const allow = allowedMethods(experiments);
    expect(ALL_METHODS.filter((m) => !allow.includes(m))).toEqual(['PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    const request = new HttpRequest({ method: 'DELETE', url: 'https://app.example/api/experiments' });
    const response = await methodNotAllowed(allow)(request);
    expect(response.status).toBe(405);
    expect(response.headers).toMatchObject({ Allow: 'GET, HEAD, POST' });
    expect(response.jsonBody ?? JSON.parse(String(response.body))).toMatchObject({
      error: {
        code: 'MethodNotAllowed',
        message: 'DELETE is not allowed on /api/experiments; use GET or HEAD or POST.',
      },
    });
  });
});
