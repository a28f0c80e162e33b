/** The app's HTTP routes and the methods each takes, for the 405 answers (`methodNotAllowed.ts`). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export const ALL_METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The app's routes and the methods each takes (kept next to the registrations' own `methods`). */
export const ROUTE_METHODS: readonly { name: string; route: string; allow: readonly Method[] }[] = [
  { name: 'experiments', route: 'experiments', allow: ['GET', 'POST'] },
  { name: 'experiment', route: 'experiments/{id}', allow: ['GET'] },
  { name: 'cancel', route: 'experiments/{id}/cancel', allow: ['POST'] },
  { name: 'plan', route: 'plan', allow: ['POST'] },
  { name: 'report', route: 'experiments/{id}/report', allow: ['GET'] },
  { name: 'reports', route: 'reports', allow: ['GET'] },
  { name: 'reportAssets', route: 'report-assets/{name}', allow: ['GET'] },
];
