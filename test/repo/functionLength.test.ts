/**
 * Functions of at most 80 lines (blank lines and comments aside) in the product and in the tooling: ESLint's
 * max-lines-per-function holds src/, packages/<name>/src/, local/, bench/ and scripts/, with no exemption.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tsFiles } from './importGraph';

function lint(file: string, code: string): string {
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const result = spawnSync(process.execPath, [eslint, '--stdin', '--stdin-filename', file], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
  });
  return result.stdout + result.stderr;
}

describe('function length', () => {
  it('ESLint refuses a function of 81 lines in src/ and in every folder of the tooling', () => {
    const body = Array.from({ length: 81 }, (_, i) => `  total += ${i};`).join('\n');
    const code = `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    for (const file of ['src/probe.ts', 'packages/azure-emulator/src/probe.ts', 'local/probe.ts', 'bench/probe.ts']) {
      expect({ file, refused: lint(file, code).includes('max-lines-per-function') }).toEqual({ file, refused: true });
    }
    expect(lint('scripts/probe.ts', code)).toContain('max-lines-per-function');
  }, 60_000);

  it('is not switched off anywhere (no eslint-disable of max-lines-per-function)', () => {
    const files = ['src', 'packages', 'local', 'bench', 'scripts'].flatMap((d) => tsFiles(path.join(ROOT, d)));
    const exempted = files.filter((file) =>
      /eslint-disable[^\n]*max-lines-per-function/.test(readFileSync(file, 'utf8')),
    );
    expect(exempted.map((file) => path.relative(ROOT, file))).toEqual([]);
    expect(files.length).toBeGreaterThan(150);
  });
});
