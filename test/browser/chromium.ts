/**
 * Real Chromium for the browser tests: Debian's package (/usr/bin/chromium, installed by .ci/run with apt-get),
 * driven by playwright-core, which never downloads a browser. Under CI (CI=true) a missing Chromium fails the
 * tests; elsewhere they are skipped with a message saying how to install it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM_PATH);
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** `describe`, or `describe.skip` with a message when Chromium is missing outside CI. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (!available && !inCi) {
    console.warn(
      `Skipping "${name}": no Chromium at ${CHROMIUM_PATH}. Install it with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` (CI fails instead of skipping).',
    );
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

/** Launches Chromium (a fresh profile each time, no network besides this machine). Throws when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!available) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: .ci/run installs it with apt-get (chromium); set CHROMIUM_PATH otherwise.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A page that records console errors, page errors and requests, and refuses any request off this machine. */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.route(/.*/, (route) => {
    const host = new URL(route.request().url()).hostname;
    return ['127.0.0.1', 'localhost', '[::1]'].includes(host) ? route.continue() : route.abort();
  });
  return { page, errors, requests };
}

/** Where screenshots go (`.local/screenshots/`, ignored by git): look at them. */
export function screenshotPath(name: string): string {
  const dir = join(__dirname, '..', '..', '.local', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** axe-core's source, run in the page through the DevTools protocol (the page's CSP allows no injected script). */
const axeSource = (): string => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.x A and AA rules, and best practices) on the page; returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } };
  return (await page.evaluate(
    `axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
    })))`,
  )) as AxeViolation[];
}
