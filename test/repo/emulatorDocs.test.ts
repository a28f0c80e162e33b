/**
 * packages/azure-emulator/README.md stays true to the emulator and says what backs each shape: a compact table with each shape's
 * source and its backing (recording, SDK source, spec, docs, or assumed), and the list of what remains unverified.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_METRICS, TABLES } from '@rag-orchestrator/azure-emulator';

const doc = readFileSync(join(__dirname, '..', '..', 'packages', 'azure-emulator', 'README.md'), 'utf8');
const section = (title: string): string => {
  const start = doc.indexOf(`## ${title}`);
  if (start < 0) return '';
  const end = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, end < 0 ? undefined : end);
};

describe('packages/azure-emulator/README.md', () => {
  it('gives every shape a source and a backing, and lists what remains unverified', () => {
    const shapes = section('What the shapes rest on');
    const rows = shapes
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Shape') && !l.startsWith('| ---'))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.length).toBeGreaterThanOrEqual(12);
    const backings = new Set(['rec', 'SDK', 'spec', 'docs', 'assumed', 'its source']);
    for (const [, shape, source, backing] of rows) {
      expect([shape, source!.length > 0]).toEqual([shape, true]);
      for (const b of backing!.split(',').map((x) => x.trim())) expect([shape, backings.has(b)]).toEqual([shape, true]);
    }
    for (const topic of ['audience', 'dataContainerId', 'paging', 'isreused', 'metric_types', 'Log Analytics columns'])
      expect(rows.some(([, shape]) => shape!.includes(topic))).toBe(true);
    const unverified = shapes.slice(shapes.indexOf('**Unverified'));
    expect(unverified).toMatch(/registered\*\* components/);
    expect(unverified.split('\n').filter((l) => l.startsWith('- ')).length).toBeGreaterThanOrEqual(4);
  });

  it("names the emulator's Log Analytics columns and default metric names as they are", () => {
    for (const [table, columns] of Object.entries(TABLES)) {
      const line = doc.split('\n').find((l) => l.startsWith(`- \`${table}\`:`)) ?? '';
      const named =
        line
          .replace(/\([^)]*\)/g, '')
          .split('. Rows:')[0]!
          .split(':')[1] ?? '';
      expect([table, named.split(',').map((c) => c.trim())]).toEqual([table, columns.map((c) => c.name)]);
    }
    for (const metric of Object.keys(DEFAULT_METRICS)) expect(doc).toContain(`\`${metric}\``);
  });

  it('stays compact', () => {
    expect(Buffer.byteLength(doc)).toBeLessThan(32 * 1024);
  });
});
