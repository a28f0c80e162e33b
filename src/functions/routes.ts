/**
 * The route table: every HTTP route of the app, the function that answers each of its methods, and a 405 answer
 * (`methodNotAllowed.ts`) for every other method. `registerRoutes` (called once by the app entry) is the only
 * registration of an HTTP function. Every GET also takes HEAD: the same handler answers and the host sends the
 * headers without the body (probes and `curl -I`).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { pinBaseline, unpinBaseline } from './baselinePin';
import { cancelExperiment } from './cancelExperiment';
import { getExperiment } from './getExperiment';
import { answersErrors, clientAnswersErrors } from './http';
import { listExperiments } from './listExperiments';
import { listSchedules } from './listSchedules';
import { ALL_METHODS, methodNotAllowed, type Method } from './methodNotAllowed';
import { planEndpoint } from './planExperiment';
import { getReport, listReports } from './report';
import { reportAsset } from './reportAssets';
import { getScheduleHistoryCsv, getScheduleHistoryJson, getScheduleTrend } from './scheduleHistory';
import { startExperiment } from './startExperiment';

type Answer = HttpResponseInit | Promise<HttpResponseInit>;

/** One function of a route: its name in the host, its methods, its handler (given the durable client, or not). */
export type Endpoint = { name: string; methods: readonly Method[] } & (
  | { client: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) => Answer }
  | { plain: (request: HttpRequest, context: InvocationContext) => Answer }
);

export interface Route {
  /** Names the route's 405 function: `<name>MethodNotAllowed`. */
  name: string;
  route: string;
  authLevel: 'function' | 'anonymous';
  endpoints: readonly Endpoint[];
}

export const ROUTES: readonly Route[] = [
  {
    name: 'experiments',
    route: 'experiments',
    authLevel: 'function',
    endpoints: [
      { name: 'startExperiment', methods: ['POST'], client: clientAnswersErrors(startExperiment) },
      { name: 'listExperiments', methods: ['GET', 'HEAD'], client: clientAnswersErrors(listExperiments) },
    ],
  },
  {
    name: 'experiment',
    route: 'experiments/{id}',
    authLevel: 'function',
    endpoints: [{ name: 'getExperiment', methods: ['GET', 'HEAD'], client: clientAnswersErrors(getExperiment) }],
  },
  {
    name: 'cancel',
    route: 'experiments/{id}/cancel',
    authLevel: 'function',
    endpoints: [{ name: 'cancelExperiment', methods: ['POST'], client: clientAnswersErrors(cancelExperiment) }],
  },
  {
    name: 'baseline',
    route: 'experiments/{id}/baseline',
    authLevel: 'function',
    endpoints: [
      { name: 'pinBaseline', methods: ['POST'], client: clientAnswersErrors(pinBaseline) },
      { name: 'unpinBaseline', methods: ['DELETE'], client: clientAnswersErrors(unpinBaseline) },
    ],
  },
  {
    name: 'schedules',
    route: 'schedules',
    authLevel: 'function',
    endpoints: [{ name: 'listSchedules', methods: ['GET', 'HEAD'], plain: answersErrors(listSchedules) }],
  },
  {
    name: 'scheduleTrend',
    route: 'schedules/{name}/trend',
    authLevel: 'function',
    endpoints: [{ name: 'scheduleTrend', methods: ['GET', 'HEAD'], plain: answersErrors(getScheduleTrend) }],
  },
  {
    name: 'scheduleHistoryCsv',
    route: 'schedules/{name}/history.csv',
    authLevel: 'function',
    endpoints: [{ name: 'scheduleHistoryCsv', methods: ['GET', 'HEAD'], plain: answersErrors(getScheduleHistoryCsv) }],
  },
  {
    name: 'scheduleHistoryJson',
    route: 'schedules/{name}/history.json',
    authLevel: 'function',
    endpoints: [
      { name: 'scheduleHistoryJson', methods: ['GET', 'HEAD'], plain: answersErrors(getScheduleHistoryJson) },
    ],
  },
  {
    name: 'plan',
    route: 'plan',
    authLevel: 'function',
    endpoints: [{ name: 'planExperiment', methods: ['POST'], plain: answersErrors(planEndpoint) }],
  },
  {
    name: 'report',
    route: 'experiments/{id}/report',
    authLevel: 'function',
    endpoints: [{ name: 'experimentReport', methods: ['GET', 'HEAD'], client: getReport }],
  },
  {
    name: 'reports',
    route: 'reports',
    authLevel: 'function',
    endpoints: [{ name: 'experimentReports', methods: ['GET', 'HEAD'], client: listReports }],
  },
  {
    name: 'reportAssets',
    route: 'report-assets/{name}',
    authLevel: 'anonymous',
    endpoints: [{ name: 'reportAssets', methods: ['GET', 'HEAD'], plain: reportAsset }],
  },
];

/** The methods a route takes (its `Allow` header): those of its endpoints, in alphabetical order. */
export const allowedMethods = (route: Route): Method[] =>
  ALL_METHODS.filter((m) => route.endpoints.some((e) => e.methods.includes(m))).sort();

/** Registers every route's functions and its 405 answer with the Functions host. */
export function registerRoutes(): void {
  for (const route of ROUTES) {
    for (const endpoint of route.endpoints) {
      const options = { route: route.route, methods: [...endpoint.methods], authLevel: route.authLevel };
      if ('client' in endpoint) df.app.client.http(endpoint.name, { ...options, handler: endpoint.client });
      else app.http(endpoint.name, { ...options, handler: endpoint.plain });
    }
    const allow = allowedMethods(route);
    // The 405 answers take a function key on every route (as the API's other answers do).
    app.http(`${route.name}MethodNotAllowed`, {
      route: route.route,
      methods: ALL_METHODS.filter((m) => !allow.includes(m)),
      authLevel: 'function',
      handler: methodNotAllowed(allow),
    });
  }
}
