/**
 * A replay of what `azd package` (and so `azd deploy` and `azd up`) does with this repository's `api` service, step
 * by step as azd's source does it (Azure/azure-dev, cli/azd):
 * - pkg/project/service_manager.go `Package`: restore if not done, then, between the service's `prepackage` and
 *   `postpackage` hooks, the framework's package step and the service target's;
 * - pkg/project/framework_service_node.go: restore is `npm install` unless node_modules/.package-lock.json is newer
 *   than package-lock.json (pkg/tools/node/detect.go `IsDependenciesUpToDate`); the package step runs the `build`
 *   script, then requires a non-empty `dist` folder;
 * - pkg/project/service_target_functionapp.go `resolveFunctionAppRemoteBuild`: `remoteBuild: false` is refused when
 *   the service folder's ignore file (`.funcignore`) excludes node_modules;
 * - pkg/project/project_utils.go `createDeployableZip` over pkg/rzip `CreateFromDirectory`: zips `dist` recursively,
 *   resolving symlinks, skipping `.azure` folders, the ignore file itself and `local.settings.json`, then what the
 *   ignore file *inside `dist`* excludes, or, without one, node_modules unless `remoteBuild` is false;
 * - pkg/ext/hooks_manager.go and models.go: a hook's `posix`/`windows` variant replaces it on that OS; a service hook
 *   runs in the service folder.
 * Ignore-file patterns are matched by git (`git check-ignore`), as azd matches them with a gitignore library.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeZip, type ZipEntry } from '../../scripts/zip';

interface Hook {
  run?: string;
  shell?: string;
  posix?: Hook;
  windows?: Hook;
}

export interface AzdService {
  project: string;
  language: string;
  host: string;
  dist?: string;
  remoteBuild?: boolean;
  hooks?: Record<string, Hook>;
}

const IGNORE_FILE = '.funcignore'; // pkg/project/service_target.go `IgnoreFile` for host `function`

interface AzdProject {
  hooks?: Record<string, Hook>;
  services?: Record<string, AzdService>;
}

/** `<root>/azure.yaml` (js-yaml: the YAML parser already in the tree, through ts-jest and oav). */
function readProject(root: string): AzdProject {
  const yaml = createRequire(__filename)('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(path.join(root, 'azure.yaml'), 'utf8')) as AzdProject;
}

/** The service `name` of `<root>/azure.yaml`. */
export function readService(root: string, name: string): AzdService {
  const service = readProject(root).services?.[name];
  if (!service) throw new Error(`azure.yaml has no service ${name}`);
  return service;
}

/**
 * The paths (relative, dirs ending in `/`) that the ignore file's patterns exclude, as git matches them, in
 * `workTree` (by default an empty folder: names are matched without looking at the disk, as azd's check does).
 */
function ignoredPaths(ignoreFile: string, paths: string[], workTree?: string): Set<string> {
  if (paths.length === 0) return new Set();
  const scratch = mkdtempSync(path.join(tmpdir(), 'azd-ignore-'));
  const gitDir = path.join(scratch, 'git');
  try {
    execFileSync('git', ['init', '-q', '--bare', gitDir]);
    const out = execFileSync(
      'git',
      [
        `--git-dir=${gitDir}`,
        `--work-tree=${workTree ?? scratch}`,
        '-c',
        `core.excludesFile=${ignoreFile}`,
        'check-ignore',
        '--no-index',
        '--stdin',
        '-z',
      ],
      { input: paths.join('\0'), encoding: 'utf8' },
    );
    return new Set(out.split('\0').filter(Boolean));
  } catch (err) {
    // Exit status 1: nothing is ignored.
    if ((err as { status?: number }).status === 1) return new Set();
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** azd's rule for JavaScript/TypeScript function apps: the remote build setting it deploys with, or its refusal. */
export function resolveRemoteBuild(serviceDir: string, service: AzdService): boolean {
  const ignoreFile = path.join(serviceDir, IGNORE_FILE);
  if (!existsSync(ignoreFile)) return service.remoteBuild ?? true;
  const excluded = ignoredPaths(ignoreFile, ['node_modules/']).size > 0;
  if (service.remoteBuild === undefined) return excluded;
  if (service.remoteBuild && !excluded)
    throw new Error(`'remoteBuild: true' requires '${IGNORE_FILE}' to exclude node_modules`);
  if (!service.remoteBuild && excluded) {
    throw new Error(`'remoteBuild: false' cannot be used when '${IGNORE_FILE}' excludes node_modules`);
  }
  return service.remoteBuild;
}

/** Every path under `dir` (dirs end in `/`, symlinks followed), relative to `dir`. */
function walkAll(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory()
      ? [`${prefix}${name}/`, ...walkAll(full, `${prefix}${name}/`)]
      : [`${prefix}${name}`];
  });
}

/** The entries of the zip `createDeployableZip` makes of `root` (files only, as rzip writes no folder entries). */
export function deployableZipEntries(root: string, service: AzdService): ZipEntry[] {
  const ignoreFile = path.join(root, IGNORE_FILE);
  const ignored = existsSync(ignoreFile) ? ignoredPaths(ignoreFile, walkAll(root), root) : undefined;
  const include = (rel: string, name: string, isDir: boolean): boolean => {
    if (name === '.azure' && isDir) return false;
    if (name === IGNORE_FILE && !isDir) return false;
    if (name === 'local.settings.json' && !isDir) return false;
    if (ignored) return !ignored.has(isDir ? `${rel}/` : rel);
    if (name === 'node_modules' && isDir) return service.remoteBuild === false;
    return true;
  };
  const entries: ZipEntry[] = [];
  const add = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const isDir = statSync(full).isDirectory(); // statSync follows symlinks, as rzip does
      const rel = `${prefix}${name}`;
      if (!include(rel, name, isDir)) continue;
      if (isDir) add(full, `${rel}/`);
      else entries.push({ name: rel, data: readFileSync(full) });
    }
  };
  add(root, '');
  return entries;
}

function hookCommand(hook: Hook | undefined): string | undefined {
  const variant = (process.platform === 'win32' ? hook?.windows : hook?.posix) ?? hook;
  return variant?.run;
}

function run(command: string, cwd: string): void {
  execFileSync('sh', ['-c', command], { cwd, stdio: 'pipe', env: process.env });
}

export interface AzdPackageResult {
  zipPath: string;
  /** The commands run, in order (hooks and npm scripts), for the test's record. */
  steps: string[];
}

/**
 * `azd package api` on the repository at `root`, whose node_modules is already installed from its lockfile (the
 * restore step's result). Writes the zip to `zipPath`. Hooks run as azd runs them for this command: the project's
 * `prepackage`/`postpackage` around everything (cmd/package.go), the service's `prerestore`/`postrestore` around the
 * restore and `prepackage`/`postpackage` around the package step; `azd package` runs no build step of its own (the Node
 * framework does not require one), so no `prebuild`/`postbuild`.
 */
export function azdPackage(root: string, zipPath: string, serviceName = 'api'): AzdPackageResult {
  const project = readProject(root);
  const service = readService(root, serviceName);
  if (service.host !== 'function' || !['ts', 'js'].includes(service.language)) {
    throw new Error(`service ${serviceName} is not a Node function app`);
  }
  const serviceDir = path.resolve(root, service.project);
  if (!existsSync(path.join(serviceDir, 'node_modules'))) throw new Error('restore: node_modules is missing');
  const steps: string[] = [];
  const step = (command: string | undefined, cwd = serviceDir): void => {
    if (!command) return;
    steps.push(command);
    run(command, cwd);
  };
  step(hookCommand(project.hooks?.prepackage), root);
  step(hookCommand(service.hooks?.prerestore));
  step(hookCommand(service.hooks?.postrestore));
  step(hookCommand(service.hooks?.prepackage));
  step('npm run build');
  const packagePath = path.join(serviceDir, service.dist ?? '');
  if (!existsSync(packagePath) || readdirSync(packagePath).length === 0) {
    throw new Error(`package source '${packagePath}' is empty or does not exist`);
  }
  writeZip(zipPath, deployableZipEntries(packagePath, service));
  step(hookCommand(service.hooks?.postpackage));
  step(hookCommand(project.hooks?.postpackage), root);
  return { zipPath, steps };
}
