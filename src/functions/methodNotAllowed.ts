/**
 * A wrong HTTP method on one of the app's routes gets `405 Method Not Allowed` with an `Allow` header and a JSON error,
 * instead of the host's empty 404: one catch-all registration per route, for every method the route does not take.
 */
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { error } from './http';
import { ALL_METHODS as ALL, ROUTE_METHODS, type Method } from './routeMethods';

export function methodNotAllowed(allow: readonly Method[]) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const response = error(
      405,
      'MethodNotAllowed',
      `${request.method} is not allowed on ${new URL(request.url).pathname}; use ${allow.join(' or ')}.`,
    );
    return { ...response, headers: { ...(response.headers as Record<string, string>), Allow: allow.join(', ') } };
  };
}

for (const { name, route, allow } of ROUTE_METHODS) {
  app.http(`${name}MethodNotAllowed`, {
    route,
    methods: ALL.filter((m) => !allow.includes(m)),
    authLevel: 'function',
    handler: methodNotAllowed(allow),
  });
}
