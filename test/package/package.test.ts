/**
 * The deployment package (`npm run package`): what the zip holds, that a standard unzip reads it, and that the
 * unzipped folder alone (outside the repository, no node_modules) runs a whole experiment in the local Functions host
 * against the emulator, Azure SDK calls included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage, matchAssets, PACKAGE_FILES, type PackageResult } from '../../scripts/package';
import { body } from '../e2e/configs';
import { api, CANARY, startStack, waitFor, type Stack } from '../e2e/stack';

jest.setTimeout(240_000);

const work = mkdtempSync(path.join(tmpdir(), 'package-test-'));
let built: PackageResult;
let unzipped: string;

const listFiles = (dir: string, prefix = ''): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );

beforeAll(async () => {
  built = await buildPackage({ outDir: path.join(work, 'out') });
  unzipped = path.join(work, 'unzipped');
  execFileSync('unzip', ['-q', built.zipPath, '-d', unzipped]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the zip', () => {
  it('holds host.json, a dependency-free package.json, the bundles with source maps and the assets, nothing else', () => {
    const files = listFiles(unzipped).sort();
    expect(files).toEqual(built.files);
    expect(files).toEqual(
      expect.arrayContaining([
        'host.json',
        'package.json',
        'dist/main.js',
        'dist/index.js',
        'dist/index.js.map',
        'dist/azure-sdk.js',
        'dist/azure-sdk.js.map',
        'examples/experiment.json',
      ]),
    );
    // npm packages only for the files the app reads as data; no code outside the bundles.
    expect(files.filter((f) => f.startsWith('node_modules/'))).toEqual(
      PACKAGE_FILES.map((f) => `node_modules/${f}`).sort(),
    );
    expect(
      files.filter((f) => /\.[cm]?[jt]s$/.test(f) && !f.startsWith('dist/') && !f.startsWith('src/report/assets/')),
    ).toEqual([]);
    expect(readFileSync(path.join(unzipped, 'host.json'), 'utf8')).toBe(readFileSync('host.json', 'utf8'));
    const pkg = JSON.parse(readFileSync(path.join(unzipped, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.main).toBe('dist/main.js');
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
  });

  it('is small: well under the 25 MB goal, and the SDK is not in the bundle a cold start parses', () => {
    expect(statSync(built.zipPath).size).toBe(built.zipBytes);
    expect(built.zipBytes).toBeLessThan(25 * 1024 * 1024);
    const entryBundle = readFileSync(path.join(unzipped, 'dist/index.js'), 'utf8');
    // (booleans, so that a failure does not print megabytes of bundle)
    const sdkClass = 'AzureMachineLearningWorkspaces=class extends';
    expect(entryBundle.includes(sdkClass)).toBe(false);
    expect(readFileSync(path.join(unzipped, 'dist/azure-sdk.js'), 'utf8').includes(sdkClass)).toBe(true);
    expect(entryBundle.includes('require("./azure-sdk.js")')).toBe(true);
    // Outside the bundles: Node's own modules, the language worker's module, and the SDK bundle.
    for (const file of ['dist/index.js', 'dist/azure-sdk.js']) {
      const text = readFileSync(path.join(unzipped, file), 'utf8');
      const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string));
      const outside = [...required].filter(
        (name) =>
          !builtinModules.includes(name.replace(/^node:/, '')) &&
          name !== '@azure/functions-core' &&
          // Text in ajv's standalone-code generator, never required at run time (schema validation works from
          // the unzipped folder: see the 400 below).
          !name.startsWith('ajv/dist/runtime/'),
      );
      expect(outside).toEqual(file === 'dist/index.js' ? ['./azure-sdk.js'] : []);
    }
  });
});

describe('asset globs', () => {
  it('copy the files they match, keep their paths, and refuse a glob that matches nothing', () => {
    const root = path.join(work, 'assets-root');
    mkdirSync(path.join(root, 'static', 'js'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(root, 'static', 'js', 'chart.min.js'), '');
    writeFileSync(path.join(root, 'static', 'report.css'), '');
    writeFileSync(path.join(root, 'node_modules', 'x', 'chart.min.js'), '');
    expect(matchAssets(root, ['static/**/*.js', 'static/*.css'])).toEqual([
      'static/js/chart.min.js',
      'static/report.css',
    ]);
    expect(() => matchAssets(root, ['static/*.png'])).toThrow('static/*.png');
  });
});

describe('the unzipped package, alone', () => {
  let stack: Stack;
  afterAll(async () => stack?.close());

  it('runs an experiment end to end in the Functions host (SDK clients loaded on first use), refusing a 5-field schedule', async () => {
    // A five-field cron: the app starts, logs why there is no schedule, and serves requests.
    stack = await startStack({
      appDir: unzipped,
      env: { EXPERIMENT_SCHEDULE: '0 3 * * *', EXPERIMENT_SCHEDULE_SOURCE: 'examples/experiment.json' },
    });
    const base = `${stack.host.url}/api`;
    const invalid = body('package-smoke');
    (invalid.config as Record<string, unknown>).index = { chunking: { chunk_size: 'big' } };
    const refused = await api(base, 'POST', '/experiments', invalid);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('/config/index/chunking/chunk_size');
    const started = await api(base, 'POST', '/experiments', body('package-smoke', [500, 1000]));
    expect(started.status).toBe(202);
    const { id } = started.body as { id: string };
    const view = await waitFor(async () => {
      const res = await api(base, 'GET', `/experiments/${id}`);
      const v = res.body as { status: string; pipelines: { status: string; metrics?: Record<string, number> }[] };
      return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
    }, 'the experiment to finish');
    expect(view.status).toBe('Completed');
    expect(view.pipelines).toHaveLength(2);
    for (const p of view.pipelines) expect(Object.keys(p.metrics ?? {}).length).toBeGreaterThan(0);
    // The report page and every asset it links are served from the package alone (no node_modules beside it).
    const report = await api(base, 'GET', `/experiments/${id}/report`);
    expect(report.status).toBe(200);
    for (const asset of new Set([...report.text.matchAll(/report-assets\/([\w.-]+)/g)].map((m) => m[1]))) {
      const served = await api(base, 'GET', `/report-assets/${asset}`);
      expect([asset, served.status, served.text.length > 100]).toEqual([asset, 200, true]);
    }
    expect(stack.logs()).not.toContain(CANARY);
    expect(stack.logs()).toContain(
      "EXPERIMENT_SCHEDULE is not valid, so no scheduled experiment will run: '0 3 * * *' has 5 fields",
    );
  });
});
