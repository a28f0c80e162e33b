/**
 * The HTML shell shared by the report pages: every asset comes from the app (`/api/report-assets/…`, relative, so
 * any route prefix works), a strict Content-Security-Policy allows only those, and nothing inline runs.
 */
import { escapeHtml } from './escape';

/** Assets the pages load, served by `GET /api/report-assets/{name}`. */
export const ASSETS = {
  chartsCss: 'charts.min.css',
  reportCss: 'report.css',
  reportJs: 'report.js',
} as const;

/** Response headers of every report page: no inline script or style, no framing, no referrer (keys in URLs stay). */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

export interface PageOptions {
  title: string;
  /** Relative path from the page to the app's `/api/` folder (`../../` for `/api/experiments/{id}/report`). */
  apiRoot: string;
  /**
   * Reload the page every this many seconds (a running experiment); none when absent. report.js reloads it; without
   * JavaScript a `<noscript>` meta refresh does. The page must offer a way to stop it (WCAG 2.2.1).
   */
  refreshSeconds?: number;
  body: string;
}

export function page(options: PageOptions): string {
  const asset = (name: string): string => escapeHtml(`${options.apiRoot}report-assets/${name}`);
  const refresh =
    options.refreshSeconds !== undefined
      ? `<noscript><meta http-equiv="refresh" content="${Math.max(1, Math.round(options.refreshSeconds))}"></noscript>\n`
      : '';
  const bodyData =
    options.refreshSeconds !== undefined
      ? ` data-refresh-seconds="${Math.max(1, Math.round(options.refreshSeconds))}"`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${refresh}<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${asset(ASSETS.chartsCss)}">
<link rel="stylesheet" href="${asset(ASSETS.reportCss)}">
<script src="${asset(ASSETS.reportJs)}" defer></script>
</head>
<body${bodyData}>
${options.body}
</body>
</html>
`;
}
