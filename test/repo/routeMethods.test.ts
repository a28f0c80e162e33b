/** Every HTTP route the app registers answers a wrong method with 405: ROUTE_METHODS must list each route. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTE_METHODS } from '../../src/functions/routeMethods';

const FUNCTIONS = path.resolve(__dirname, '../../src/functions');

/** `route` and `methods` of every `app.http` / `df.app.client.http` registration, read from the sources. */
function registeredRoutes(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const file of readdirSync(FUNCTIONS).filter(
    (f) => f.endsWith('.ts') && !['methodNotAllowed.ts', 'routeMethods.ts'].includes(f),
  )) {
    const source = readFileSync(path.join(FUNCTIONS, file), 'utf8');
    for (const m of source.matchAll(/route: '([^']+)',\s*methods: \[([^\]]*)\]/g)) {
      const methods = [...m[2]!.matchAll(/'([A-Z]+)'/g)].map((x) => x[1]!);
      routes.set(m[1]!, [...(routes.get(m[1]!) ?? []), ...methods].sort());
    }
  }
  return routes;
}

describe('405 registrations', () => {
  it('cover every route with exactly the methods its functions take', () => {
    const listed = new Map(ROUTE_METHODS.map((r) => [r.route, [...r.allow].sort()]));
    const registered = registeredRoutes();
    expect(registered.size).toBeGreaterThanOrEqual(7);
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(registered));
  });
});
