/**
 * A wrong HTTP method on one of the app's routes gets `405 Method Not Allowed` with an `Allow` header and a JSON error,
 * instead of the host's empty 404 (`routes.ts` registers it for every method a route does not take).
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { error } from './http';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export const ALL_METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

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
