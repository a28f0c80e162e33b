/** The app's HTTP routes and the methods each takes, for the 405 answers (`methodNotAllowed.ts`). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export const ALL_METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * The app's routes and the methods each takes (kept next to the registrations' own `methods`). Every GET route takes
 * HEAD too: the same handler answers, and the host sends the headers without the body (probes and `curl -I`).
 */
export const ROUTE_METHODS: readonly { name: string; route: string; allow: readonly Method[] }[] = [
  { name: 'experiments', route: 'experiments', allow: ['GET', 'HEAD', 'POST'] },
  { name: 'experiment', route: 'experiments/{id}', allow: ['GET', 'HEAD'] },
  { name: 'cancel', route: 'experiments/{id}/cancel', allow: ['POST'] },
  { name: 'plan', route: 'plan', allow: ['POST'] },
  { name: 'report', route: 'experiments/{id}/report', allow: ['GET', 'HEAD'] },
  { name: 'reports', route: 'reports', allow: ['GET', 'HEAD'] },
  { name: 'reportAssets', route: 'report-assets/{name}', allow: ['GET', 'HEAD'] },
];
