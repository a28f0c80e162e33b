/**
 * The product (src/) is what runs in Azure: ESLint refuses any import of the offline tooling from it, the build
 * compiles only src/, and the app's dependencies are only what src/ imports.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function lint(file: string, code: string): string {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', file],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  return result.stdout + result.stderr;
}

describe('the product boundary', () => {
  it('ESLint refuses src importing the tooling packages, local/, tests or benches, in src/core too', () => {
    const code = [
      "import { startAzureEmulator } from '@rag-orchestrator/azure-emulator';",
      "import { spawnLocalHost } from '../packages/functions-local-host/src/spawn';",
      "import { startStack } from '../../local/stack';",
      "import { FIXTURES } from '../../test/core/helpers';",
      'export const all = [startAzureEmulator, spawnLocalHost, startStack, FIXTURES];',
      '',
    ].join('\n');
    for (const file of ['src/functions/probe.ts', 'src/core/probe.ts']) {
      const out = lint(file, code);
      expect(out.match(/must not import the local tooling/g)).toHaveLength(4);
    }
    // The same imports are fine outside the product.
    expect(lint('local/probe.ts', code)).not.toContain('must not import the local tooling');
  }, 60_000);

  it('builds only src/, and depends only on what src/ imports', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect(build.include).toEqual(['src']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/(?:from |require(?:\.resolve)?\()'([^.'][^']*)'/g)) {
            const spec = m[1] as string;
            if (spec.startsWith('node:')) continue;
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
          }
        }
      }
    };
    walk(join(ROOT, 'src'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...imported].sort());
  });
});
