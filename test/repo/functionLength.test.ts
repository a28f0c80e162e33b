/**
 * Functions of at most 80 lines (blank lines and comments aside) in the product and in the tooling: ESLint's
 * max-lines-per-function holds src/, packages/<name>/src/, local/, bench/ and scripts/. The functions still over the
 * limit are each exempted by a marked comment, listed here: the list only shrinks.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tsFiles } from './importGraph';

/** `file: function` still over 80 lines, to be split into named parts. */
const STILL_LONG = ['packages/functions-local-host/src/durable/engine.ts: commitEpisode'];

const MARK = '// eslint-disable-next-line max-lines-per-function -- over 80 lines, to split (issue 21)';

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

  it('exempts only the listed functions, each by its own marked comment', () => {
    const files = ['src', 'packages', 'local', 'bench', 'scripts'].flatMap((d) => tsFiles(path.join(ROOT, d)));
    const exempted: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!line.includes('max-lines-per-function')) return;
        expect({ file, line: line.trim() }).toEqual({ file, line: MARK });
        const declared = (lines[i + 1] ?? '').replace(/\b(export|async|function|const|private|public|static)\s+/g, '');
        exempted.push(`${path.relative(ROOT, file)}: ${/\w+/.exec(declared)?.[0] ?? '?'}`);
      });
    }
    expect(exempted.sort()).toEqual([...STILL_LONG].sort());
  });
});
