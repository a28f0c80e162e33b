/**
 * The repository's import graph, built with the TypeScript compiler's own pre-parser and module resolution (the
 * tsconfig's node16 rules, `exports` maps included): every `import`, `export … from`, `require()` and `import()` of
 * a .ts file under the given folders, to the repository's own files. Type-only imports count: a cycle of types is
 * still a cycle a reader has to untangle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The .ts files under `dir` (node_modules, fixtures' installed apps and .d.ts excluded). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
}

export interface ImportEdge {
  from: string;
  /** As written in the source. */
  specifier: string;
  /** The repository file it resolves to (absolute), or undefined for a library or an unresolved name. */
  to: string | undefined;
}

/** Every import of every file, resolved. */
export function importEdges(files: string[]): ImportEdge[] {
  const options = compilerOptions();
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(from, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
      const real = resolved ? ts.sys.realpath!(resolved.resolvedFileName) : undefined;
      const inRepo =
        real !== undefined && real.startsWith(ROOT + path.sep) && !real.includes(`${path.sep}node_modules${path.sep}`);
      edges.push({ from, specifier, to: inRepo ? path.resolve(real) : undefined });
    }
  }
  return edges;
}

/** The strongly connected components of more than one file (Tarjan), each sorted: the import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (graph.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The graph of `edges` restricted to the repository's files. */
export function graphOf(edges: ImportEdge[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!graph.has(from)) graph.set(from, []);
    if (to) graph.get(from)!.push(to);
  }
  return graph;
}
