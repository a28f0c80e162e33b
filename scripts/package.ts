/**
 * `npm run package`: builds the deployment package, the zip that the manual path ships (docs/deploy.md). Its last
 * output line is the zip's path. azd runs it too, from azure.yaml's `prepackage` hook, and zips the same files from
 * the unzipped folder.
 *
 * Contents: `host.json`, a `package.json` with no dependencies, `dist/index.js` (the app bundled from
 * `src/index.ts` with esbuild, every npm dependency included, `@azure/functions-core` left to the language worker
 * that provides it), `dist/azure-sdk.js` (the Azure SDK packages that `src/azure/sdk.ts` loads on first use, in a
 * bundle of their own so that a cold start does not even parse them), their source maps, `dist/main.js` (turns
 * source maps on, then loads the bundle) and the files of `ASSET_GLOBS`. No `node_modules`: nothing the bundles
 * need is left outside them.
 *
 * Also written: the unzipped folder (`.local/package/app`, what azure.yaml's `dist` points at), emptied first so that
 * no file of an earlier package stays.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeZip, type ZipEntry } from './zip';

/**
 * Files the app reads at run time besides its code, as globs relative to the repository root (`*` within a folder,
 * `**` across folders). They keep their relative paths in the package. Add a line for each new kind of asset.
 */
export const ASSET_GLOBS: readonly string[] = [
  'host.json',
  // Experiment files a schedule can rerun (EXPERIMENT_SCHEDULE_SOURCE=examples/experiment.json).
  'examples/*.json',
  // The report pages' own stylesheet and script (src/functions/reportAssets.ts reads them from the app's root).
  'src/report/assets/*',
];

/**
 * Files of npm packages that the app reads at run time as data, not code (a bundle cannot hold them): copied to
 * `node_modules/<path>` in the package, so that `require.resolve` finds them there as it does in the repository.
 */
export const PACKAGE_FILES: readonly string[] = [
  // Charts.css, the report's charts (served by GET /api/report-assets/charts.min.css).
  'charts.css/package.json',
  'charts.css/dist/charts.min.css',
];

/** Files and folders the asset walk never enters. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', '.local', 'coverage', 'infra', 'test']);

const ENTRY_LOADER = `'use strict';
// Stack traces point into src/*.ts through dist/index.js.map.
process.setSourceMapsEnabled(true);
module.exports = require('./index.js');
`;

export interface PackageResult {
  zipPath: string;
  appDir: string;
  zipBytes: number;
  bundleBytes: number;
  sdkBundleBytes: number;
  files: string[];
  /** Input bytes in the bundle per npm package (and `(app)` for ours), largest first. */
  largestInputs: [string, number][];
}

export interface PackageOptions {
  /** Repository root (default: this script's parent folder). */
  root?: string;
  /** Where the zip and the unzipped folder go (default: `<root>/.local/package`). */
  outDir?: string;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Repository-relative paths of the files matching any of the globs, sorted. */
export function matchAssets(root: string, globs: readonly string[]): string[] {
  const patterns = globs.map(globToRegExp);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && patterns.some((p) => p.test(rel))) found.push(rel);
    }
  };
  walk('');
  const missing = globs.filter((g) => !found.some((f) => globToRegExp(g).test(f)));
  if (missing.length > 0) throw new Error(`package: no file matches the asset glob(s) ${missing.join(', ')}`);
  return found.sort();
}

const SDK_MODULE = 'src/azure/sdk.ts';
const SDK_BUNDLE = 'azure-sdk.js';

/**
 * In the app's bundle, each package `src/azure/sdk.ts` requires becomes a one-line module that asks the SDK bundle
 * for it (`require('./azure-sdk.js').load(name)`); the names are collected for that second build.
 */
function deferSdkPackages(root: string, names: Set<string>): Plugin {
  const sdkModule = path.join(root, SDK_MODULE);
  return {
    name: 'defer-azure-sdk',
    setup(b) {
      b.onResolve({ filter: /^@/ }, (args) => {
        if (args.importer !== sdkModule || args.kind !== 'require-call') return undefined;
        names.add(args.path);
        return { path: args.path, namespace: 'azure-sdk' };
      });
      b.onLoad({ filter: /.*/, namespace: 'azure-sdk' }, (args) => ({
        contents: `module.exports = require('./${SDK_BUNDLE}').load(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      b.onResolve({ filter: new RegExp(`^\\./${SDK_BUNDLE.replace('.', '\\.')}$`) }, (args) => ({
        path: args.path,
        external: true,
      }));
    },
  };
}

/** The SDK bundle's entry: one loader per package, so that only the packages asked for are initialised. */
const sdkEntry = (names: Iterable<string>): string =>
  [
    'const loaders = {',
    ...[...names].sort().map((n) => `  ${JSON.stringify(n)}: () => require(${JSON.stringify(n)}),`),
    '};',
    'exports.load = (name) => loaders[name]();',
  ].join('\n');

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Provided by the Node.js language worker, never installed.
  // The worker's module, and the npm packages whose files are copied as data (PACKAGE_FILES, read by require.resolve).
  external: ['@azure/functions-core', ...new Set(PACKAGE_FILES.map((f) => f.split('/')[0] as string))],
  sourcemap: true,
  // The map points at the sources without embedding them (stack traces need the mappings only).
  sourcesContent: false,
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'linked',
  // Some dependencies ship ES module builds that read import.meta.url; in a CommonJS bundle it is this file.
  define: { 'import.meta.url': '__bundle_import_meta_url' },
  banner: { js: "var __bundle_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  metafile: true,
  logLevel: 'warning',
};

/** Builds `dist/index.js` and `dist/azure-sdk.js` into `distDir`; returns both metafiles. */
async function bundle(root: string, distDir: string): Promise<Metafile[]> {
  const sdkNames = new Set<string>();
  const app = await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src/index.ts')],
    outfile: path.join(distDir, 'index.js'),
    plugins: [deferSdkPackages(root, sdkNames)],
  });
  if (sdkNames.size === 0) throw new Error(`package: ${SDK_MODULE} required no package; is the plugin stale?`);
  const sdk = await build({
    ...COMMON,
    absWorkingDir: root,
    stdin: { contents: sdkEntry(sdkNames), resolveDir: root, sourcefile: 'azure-sdk-entry.js', loader: 'js' },
    outfile: path.join(distDir, SDK_BUNDLE),
  });
  if (!app.metafile || !sdk.metafile) throw new Error('package: esbuild returned no metafile');
  return [app.metafile, sdk.metafile];
}

function largestInputs(metafiles: Metafile[]): [string, number][] {
  const bytes = new Map<string, number>();
  for (const output of metafiles.flatMap((m) => Object.values(m.outputs))) {
    for (const [input, info] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(app)';
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + info.bytesInOutput);
    }
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]);
}

function deployedPackageJson(root: string): string {
  const own = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const deployed = {
    name: own.name,
    version: own.version,
    private: true,
    description: own.description,
    license: own.license,
    main: 'dist/main.js',
    engines: own.engines,
  };
  return `${JSON.stringify(deployed, null, 2)}\n`;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), rel) : [rel];
  });
}

export async function buildPackage(options: PackageOptions = {}): Promise<PackageResult> {
  const root = options.root ?? path.resolve(__dirname, '..');
  const outDir = options.outDir ?? path.join(root, '.local', 'package');
  const appDir = path.join(outDir, 'app');
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(path.join(appDir, 'dist'), { recursive: true });

  const metafiles = await bundle(root, path.join(appDir, 'dist'));
  writeFileSync(path.join(appDir, 'dist', 'main.js'), ENTRY_LOADER);
  writeFileSync(path.join(appDir, 'package.json'), deployedPackageJson(root));
  for (const asset of matchAssets(root, ASSET_GLOBS)) {
    mkdirSync(path.dirname(path.join(appDir, asset)), { recursive: true });
    writeFileSync(path.join(appDir, asset), readFileSync(path.join(root, asset)));
  }
  for (const file of PACKAGE_FILES) {
    const target = path.join(appDir, 'node_modules', file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(require.resolve(file, { paths: [root] })));
  }

  const files = listFiles(appDir).sort();
  const entries: ZipEntry[] = files.map((name) => ({ name, data: readFileSync(path.join(appDir, name)) }));
  const own = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const zipPath = path.join(outDir, `${own.name}-${own.version}.zip`);
  const zipBytes = writeZip(zipPath, entries);
  return {
    zipPath,
    appDir,
    zipBytes,
    bundleBytes: statSync(path.join(appDir, 'dist', 'index.js')).size,
    files,
    largestInputs: largestInputs(metafiles),
    sdkBundleBytes: statSync(path.join(appDir, 'dist', SDK_BUNDLE)).size,
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function main(): Promise<void> {
  const started = Date.now();
  const result = await buildPackage();
  console.log(`files: ${result.files.join(', ')}`);
  console.log(
    `dist/index.js: ${mb(result.bundleBytes)}, dist/${SDK_BUNDLE} (loaded on first use): ${mb(result.sdkBundleBytes)}`,
  );
  console.log('largest inputs:');
  for (const [pkg, bytes] of result.largestInputs.slice(0, 8)) console.log(`  ${pkg.padEnd(32)} ${mb(bytes)}`);
  console.log(`unzipped folder: ${result.appDir}`);
  console.log(`zip: ${mb(result.zipBytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(result.zipPath);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
