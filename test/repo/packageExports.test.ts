/**
 * Each tooling package is used through its `exports` map: code outside a package (the app's tests, local/, bench/,
 * scripts/, the other packages) imports only `@rag-orchestrator/<package>` or one of its declared subpaths, never a
 * file under `packages/<package>/src/` by path.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importEdges, ROOT, tsFiles } from './importGraph';

const PACKAGES = readdirSync(path.join(ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const manifest = (name: string): { name: string; exports?: Record<string, string> } =>
  JSON.parse(readFileSync(path.join(ROOT, 'packages', name, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, string>;
  };

/** The package folder a repository file lies in, if any. */
const packageOf = (file: string): string | undefined => {
  const [top, name] = path.relative(ROOT, file).split(path.sep);
  return top === 'packages' ? name : undefined;
};

describe('the tooling packages', () => {
  it('each has an exports map whose targets exist', () => {
    expect(PACKAGES.length).toBeGreaterThanOrEqual(4);
    for (const name of PACKAGES) {
      const { exports } = manifest(name);
      expect({ name, exports: exports && Object.keys(exports).includes('.') }).toEqual({ name, exports: true });
      for (const target of Object.values(exports ?? {})) {
        expect({ name, target, exists: existsSync(path.join(ROOT, 'packages', name, target)) }).toEqual({
          name,
          target,
          exists: true,
        });
      }
    }
  });

  it('are imported from outside only through their entry points', () => {
    const files = ['src', 'packages', 'local', 'bench', 'scripts', 'test'].flatMap((d) => tsFiles(path.join(ROOT, d)));
    const deep: string[] = [];
    let crossings = 0;
    for (const edge of importEdges(files)) {
      const target = edge.to && packageOf(edge.to);
      if (!target || target === packageOf(edge.from)) continue;
      crossings += 1;
      const { name, exports = {} } = manifest(target);
      const allowed = Object.keys(exports).map((sub) => (sub === '.' ? name : `${name}/${sub.slice(2)}`));
      if (!allowed.includes(edge.specifier)) deep.push(`${path.relative(ROOT, edge.from)}: '${edge.specifier}'`);
    }
    // `require.resolve` of a file inside a package, which the pre-parser does not list as an import.
    for (const file of files) {
      const owner = packageOf(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/require\.resolve\('([^']+)'\)/g)) {
        const spec = m[1] as string;
        const named = /^@rag-orchestrator\/([^/]+)/.exec(spec)?.[1];
        if (named && named !== owner && !(manifest(named).exports ?? {})[`./${spec.split('/').slice(2).join('/')}`])
          deep.push(`${path.relative(ROOT, file)}: require.resolve('${spec}')`);
      }
    }
    expect(crossings).toBeGreaterThan(20);
    expect(deep).toEqual([]);
  }, 60_000);
});
