/**
 * GET /api/report-assets/{name} — the report pages' stylesheets and script, all served by the app (no CDN): the
 * Charts.css stylesheet from node_modules, and the report's own CSS (plus the bar length classes) and script. They
 * hold no data, so they are anonymous: a `<link>` cannot send a function key.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { barSizeCss } from '../report/chart';
import { ASSETS } from '../report/layout';

/** The app's root (the folder with package.json), from the source or the compiled file. */
function appRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface Asset {
  contentType: string;
  read: () => string;
}

const ownAsset = (file: string): string => readFileSync(join(appRoot(), 'src', 'report', 'assets', file), 'utf8');

const SOURCES: Record<string, Asset> = {
  [ASSETS.chartsCss]: {
    contentType: 'text/css; charset=utf-8',
    read: () => readFileSync(require.resolve('charts.css/dist/charts.min.css'), 'utf8'),
  },
  [ASSETS.reportCss]: { contentType: 'text/css; charset=utf-8', read: () => ownAsset('report.css') + barSizeCss() },
  [ASSETS.reportJs]: { contentType: 'text/javascript; charset=utf-8', read: () => ownAsset('report.js') },
};

const cache = new Map<string, string>();

export function reportAsset(request: HttpRequest): HttpResponseInit {
  const name = request.params.name ?? '';
  const source = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined;
  if (!source) return { status: 404, body: 'Not found', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  let body = cache.get(name);
  if (body === undefined) {
    body = source.read();
    cache.set(name, body);
  }
  return {
    status: 200,
    body,
    headers: {
      'Content-Type': source.contentType,
      'Cache-Control': 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}
