/** No import cycle anywhere: the product, the tooling packages, local/, bench/, scripts/ and the tests. */
import path from 'node:path';
import { cycles, graphOf, importEdges, ROOT, tsFiles } from './importGraph';

const FOLDERS = ['src', 'packages', 'local', 'bench', 'scripts', 'test'];

describe('the import graph', () => {
  it('has no cycle in src/, packages/, local/, bench/, scripts/ or test/', () => {
    const files = FOLDERS.flatMap((folder) => tsFiles(path.join(ROOT, folder)));
    const graph = graphOf(importEdges(files));
    // The check sees the graph: hundreds of files, and imports between folders resolved (through exports maps too).
    expect(files.length).toBeGreaterThan(200);
    const crossing = [...graph].filter(([from, to]) =>
      to.some((t) => path.relative(ROOT, t).split(path.sep)[0] !== path.relative(ROOT, from).split(path.sep)[0]),
    );
    expect(crossing.length).toBeGreaterThan(20);
    const found = cycles(graph).map((cycle) => cycle.map((file) => path.relative(ROOT, file)));
    expect(found).toEqual([]);
  }, 60_000);

  it('finds a cycle, a longer one and a self-import, and not a diamond', () => {
    const g = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));
    expect(cycles(g({ a: ['b'], b: ['a'] }))).toEqual([['a', 'b']]);
    expect(cycles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(cycles(g({ a: ['a'] }))).toEqual([['a']]);
    expect(cycles(g({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toEqual([]);
  });
});
