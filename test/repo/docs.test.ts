/**
 * The docs stay true and small: every repository path and `npm` command they name exists, links between them
 * resolve (anchors included), the product docs fit the 80 KB budget, and no tracked file names a path of one
 * developer's machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** README, docs/ and the tooling's READMEs: every Markdown file a reader is pointed at. */
function docFiles(): string[] {
  const inDocs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  const readmes = ['packages', 'local']
    .flatMap((top) => readdirSync(join(ROOT, top), { withFileTypes: true }).map((d) => ({ top, d })))
    .filter(({ d }) => d.isDirectory())
    .map(({ top, d }) => `${top}/${d.name}/README.md`)
    .filter((f) => existsSync(join(ROOT, f)));
  return ['README.md', 'bench/README.md', ...inDocs, ...readmes];
}

const TOP_LEVEL = new Set(readdirSync(ROOT).filter((f) => !['node_modules', '.git', '.local', 'dist'].includes(f)));
/** Made by a build or a run, never tracked. */
const GENERATED = /^(\.local|dist|node_modules|\.azure|infra\/\.bicep)(\/|$)/;

/** Code spans and the words of code blocks: where the docs name files and commands. */
function codeTexts(text: string): string[] {
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...spans, ...blocks];
}

/**
 * A path is a word with a slash whose first segment is a top-level entry of the repository (`src/core/plan.ts`),
 * or one that resolves beside the doc (`src/cli.ts` in a package's README). Placeholders and globs (`<id>`, `*`,
 * `…`, `{name}`, `$VAR`), paths outside the repository (`../x`) and generated folders are not paths. A file of
 * another repository is named with its owner and name in front (`Azure/azure-dev/cli/azd/…`), so it is not one.
 */
function pathsIn(doc: string): string[] {
  const words = codeTexts(read(doc)).flatMap((t) => t.split(/[\s"'`(),;=|]+/));
  const paths = new Set<string>();
  for (const raw of words) {
    const word = raw.replace(/^@/, '').replace(/[:.]+$/, '');
    if (!/^[\w.@-]+(\/[\w.@-]+)+\/?$/.test(word) || GENERATED.test(word)) continue;
    const first = word.split('/')[0]!;
    if (first === '.' || first === '..') continue;
    if (TOP_LEVEL.has(first) || existsSync(join(ROOT, dirname(doc), first))) paths.add(word);
  }
  return [...paths];
}

const exists = (doc: string, path: string): boolean =>
  existsSync(join(ROOT, path)) || existsSync(join(ROOT, dirname(doc), path));

/** `npm run x`, `npm test`, `npm start`, with `-w <workspace>` choosing whose package.json holds the script. */
function npmScriptsIn(doc: string): Array<{ pkg: string; script: string }> {
  const found: Array<{ pkg: string; script: string }> = [];
  for (const text of codeTexts(read(doc))) {
    for (const m of text.matchAll(
      /\bnpm((?:\s+-[-\w]+(?:\s+(?!run\b|test\b|start\b)[\w./-]+)?)*)\s+(run|test|start)\b([^\n`]*)/g,
    )) {
      const [, before, verb, rest] = m as unknown as [string, string, string, string];
      const words = `${before} ${rest}`.trim().split(/\s+/);
      let script = verb;
      if (verb === 'run') {
        const name = rest
          .trim()
          .split(/\s+/)
          .find((w) => !w.startsWith('-'))
          ?.replace(/[,.;:)]+$/, '');
        if (!name || name === '--') continue;
        script = name;
      }
      const w = words.findIndex((x) => x === '-w' || x === '--workspace');
      found.push({ pkg: w >= 0 ? words[w + 1]! : '.', script });
    }
  }
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(file: string): Set<string> {
  const headings = readFileSync(file, 'utf8')
    .replace(/^```[^\n]*\n[\s\S]*?^```/gm, '')
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l));
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('the docs', () => {
  const docs = docFiles();

  it('name only paths that exist', () => {
    const missing = docs.flatMap((doc) =>
      pathsIn(doc)
        .filter((p) => !exists(doc, p))
        .map((p) => `${doc}: ${p}`),
    );
    expect(missing).toEqual([]);
    expect(pathsIn('README.md').length).toBeGreaterThan(5);
  });

  it('name only npm scripts that the package.json they run in has', () => {
    const missing = docs.flatMap((doc) =>
      npmScriptsIn(doc)
        .filter(({ pkg, script }) => {
          const manifest = JSON.parse(read(join(pkg, 'package.json'))) as { scripts?: Record<string, string> };
          return !(manifest.scripts && script in manifest.scripts);
        })
        .map(({ pkg, script }) => `${doc}: npm ${script} in ${pkg}`),
    );
    expect(missing).toEqual([]);
    expect(npmScriptsIn('README.md').map((s) => s.script)).toEqual(
      expect.arrayContaining(['test', 'start', 'package']),
    );
  });

  it('link to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const abs = file ? resolve(ROOT, dirname(doc), file) : join(ROOT, doc);
        if (!existsSync(abs)) broken.push(`${doc}: ${target}`);
        else if (anchor && abs.endsWith('.md') && !anchorsOf(abs).has(anchor)) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('for the product (README and docs/) fit in 80 KB', () => {
    const product = docs.filter((d) => d === 'README.md' || d.startsWith('docs/'));
    const bytes = product.reduce((n, d) => n + Buffer.byteLength(read(d)), 0);
    expect(bytes).toBeLessThanOrEqual(80 * 1024);
  });
});

describe('the repository', () => {
  it('names no path of a developer machine in any tracked file', () => {
    // Home and workspace roots (written in parts so that this file does not name them). System paths that are
    // the same on every machine (/usr/bin/python3, /etc/…, /tmp, AzureML's /mnt/azureml/…) are allowed.
    const roots = ['work', 'home', 'root', 'Users'].map((r) => `/${r}/`);
    const pattern = new RegExp(`(^|[^\\w.:/~-])(${roots.join('|')})|[A-Za-z]:\\\\Users\\\\`);
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    const found: string[] = [];
    for (const file of files) {
      const abs = join(ROOT, file);
      if (!existsSync(abs)) continue;
      const buf = readFileSync(abs);
      if (buf.includes(0)) continue;
      buf
        .toString('utf8')
        .split('\n')
        .forEach((line, i) => {
          if (pattern.test(line)) found.push(`${relative(ROOT, abs)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });
});
