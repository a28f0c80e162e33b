/**
 * `azd package`/`azd deploy` ship exactly the package `npm run package` builds, on a fresh clone and on a tree with
 * a stale `.local/package/app`: azd's steps (./azdSequence.ts, from azd's source) replayed on a copy of the
 * repository, its zip compared file by file, byte for byte, with `npm run package`'s, then loaded alone.
 *
 * The copy holds the files a clone of this working tree would (`git ls-files`: tracked and new, not ignored), so no
 * `.local` and no `dist`. Its node_modules is a symlink to this checkout's, installed from the same lockfile: that
 * stands for azd's restore step (`npm install`), too slow to run here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { azdPackage, deployableZipEntries, readService, resolveRemoteBuild } from './azdSequence';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'azd-sequence-'));

/** A copy of the files a clone of the working tree holds, with this checkout's node_modules. */
function freshCopy(dest: string): string {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter((f) => f && existsSync(path.join(ROOT, f)));
  for (const file of listed) {
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dest, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return dest;
}

/** name → bytes of every file in a zip, read back with the standard `unzip`. */
function zipContents(zipPath: string): Map<string, Buffer> {
  const dir = mkdtempSync(path.join(work, 'unzip-'));
  execFileSync('unzip', ['-q', zipPath, '-d', dir]);
  const names = execFileSync('unzip', ['-Z1', zipPath])
    .toString()
    .split('\n')
    .filter((n) => n && !n.endsWith('/'));
  return new Map(names.sort().map((n) => [n, readFileSync(path.join(dir, n))]));
}

/** `npm run package` in `root`: the product package's zip (its last output line). */
function npmRunPackage(root: string): string {
  const out = execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
  return out.trim().split('\n').pop() as string;
}

function expectSamePackage(azdZip: string, productZip: string): void {
  const azd = zipContents(azdZip);
  const product = zipContents(productZip);
  expect([...azd.keys()]).toEqual([...product.keys()]);
  const differing = [...product].filter(([name, data]) => !azd.get(name)?.equals(data)).map(([name]) => name);
  expect(differing).toEqual([]);
  const pkg = JSON.parse((azd.get('package.json') as Buffer).toString('utf8')) as { main: string };
  expect(azd.has(pkg.main)).toBe(true);
}

let repo: string;
let productZip: string;

beforeAll(() => {
  repo = freshCopy(path.join(work, 'clone'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('azd package on a fresh clone', () => {
  it('fails as azd does without the prepackage hook: the build script leaves dist empty', () => {
    const bare = freshCopy(path.join(work, 'no-hook'));
    const yaml = readFileSync(path.join(bare, 'azure.yaml'), 'utf8');
    const withoutHooks = yaml.replace(/\n {4}hooks:\n(?: {6}.*\n)+/, '\n');
    writeFileSync(path.join(bare, 'azure.yaml'), withoutHooks);
    expect(readService(bare, 'api').hooks).toBeUndefined();
    expect(() => azdPackage(bare, path.join(work, 'no-hook.zip'))).toThrow(
      /package source '.*' is empty or does not exist/,
    );
  });

  it('runs the prepackage hook, then the build script, and zips exactly the package npm run package builds', () => {
    expect(existsSync(path.join(repo, '.local'))).toBe(false);
    const result = azdPackage(repo, path.join(work, 'azd-fresh.zip'));
    expect(result.steps).toEqual(['npm run package', 'npm run build']);
    productZip = npmRunPackage(repo);
    expect(productZip.startsWith(path.join(repo, '.local', 'package'))).toBe(true);
    expectSamePackage(result.zipPath, productZip);
  });

  it('deploys with remoteBuild false, which the root .funcignore allows', () => {
    const service = readService(repo, 'api');
    expect(resolveRemoteBuild(repo, service)).toBe(false);
    // azd's refusal, reproduced: the same setting with node_modules in .funcignore.
    const other = path.join(work, 'funcignore-node-modules');
    mkdirSync(other);
    writeFileSync(path.join(other, '.funcignore'), 'node_modules\n');
    expect(() => resolveRemoteBuild(other, service)).toThrow("'remoteBuild: false' cannot be used");
  });
});

describe('azd package on a tree with a stale package', () => {
  it('replaces every stale file: the zip is again exactly the product package', () => {
    const app = path.join(repo, '.local', 'package', 'app');
    writeFileSync(path.join(app, 'dist', 'index.js'), "throw new Error('stale bundle');\n");
    writeFileSync(path.join(app, 'dist', 'removed-since.js'), '');
    rmSync(path.join(app, 'host.json'));
    const result = azdPackage(repo, path.join(work, 'azd-stale.zip'));
    expectSamePackage(result.zipPath, productZip);
  });
});

describe('the zip azd makes', () => {
  it('loads alone, outside the repository, with no node_modules but its own', () => {
    const alone = mkdtempSync(path.join(tmpdir(), 'azd-zip-alone-'));
    try {
      execFileSync('unzip', ['-q', path.join(work, 'azd-fresh.zip'), '-d', alone]);
      const { NODE_PATH: _ignored, ...env } = process.env;
      const loaded = spawnSync(
        process.execPath,
        ['-e', "require('./dist/main.js'); require.resolve('charts.css/dist/charts.min.css'); console.log('loaded')"],
        { cwd: alone, env, encoding: 'utf8' },
      );
      expect([loaded.status, loaded.stdout.trim()]).toEqual([0, 'loaded']);
      // Outside the Functions worker, @azure/functions reports each registration it skips: the app's functions.
      expect(loaded.stderr).toContain('register function "planExperiment"');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('honours a .funcignore inside dist as azd does, and its defaults without one', () => {
    const dist = path.join(work, 'dist-rules');
    for (const f of ['a.js', 'a.js.map', 'local.settings.json', 'node_modules/x/i.js', '.azure/env', 'sub/.azure']) {
      mkdirSync(path.dirname(path.join(dist, f)), { recursive: true });
      writeFileSync(path.join(dist, f), f);
    }
    const names = (remoteBuild?: boolean): string[] =>
      deployableZipEntries(dist, { project: '.', language: 'ts', host: 'function', remoteBuild })
        .map((e) => e.name)
        .sort();
    expect(names(false)).toEqual(['a.js', 'a.js.map', 'node_modules/x/i.js', 'sub/.azure']);
    expect(names(undefined)).toEqual(['a.js', 'a.js.map', 'sub/.azure']);
    writeFileSync(path.join(dist, '.funcignore'), '*.map\n');
    expect(names(undefined)).toEqual(['a.js', 'node_modules/x/i.js', 'sub/.azure']);
  });
});
