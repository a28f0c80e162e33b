/**
 * Job names and component versions are derived from these hashes. They must never change between releases: a
 * changed job name would make a retried submission of a running experiment create a second job. Changing these
 * pinned values is a breaking change.
 */
import { expandIndexConfigs } from '../../src/core/expand';
import { hash64, shortHash } from '../../src/core/hash';
import { jobNameFor } from '../../src/core/naming';
import { stableJson } from '../../src/core/stableJson';
import { fixture } from './helpers';

describe('hash', () => {
  it('is pinned', () => {
    expect(hash64('')).toBe('eb2b470418b46820');
    expect(hash64('a')).toBe('8e464adf06e0292d');
    expect(hash64('rag-orchestrator')).toBe('4e7fe7a75a5a5067');
    expect(hash64('é漢😀')).toBe('b3eb1859f826730a');
    expect(shortHash('rag-orchestrator', 8)).toBe('4e7fe7a7');
    expect(() => shortHash('x', 17)).toThrow(RangeError);
  });

  it('spreads: 10,000 similar texts give 10,000 different 12-hex prefixes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(shortHash(`exp-1\n[${i},400,"basic"]`, 12));
    expect(seen.size).toBe(10_000);
  });

  it('keeps job names stable across releases', () => {
    const [c] = expandIndexConfigs(fixture('sample'));
    if (!c) throw new Error('fixture');
    expect(jobNameFor('exp-name', 'exp-1', c)).toBe('exp-name-9c1d388ee66c');
  });
});

describe('stableJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(stableJson({ b: 1, a: { d: [3, { f: 1, e: undefined }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"f":1}]},"b":1}',
    );
    expect(stableJson({ a: 1, b: 2 })).toBe(stableJson({ b: 2, a: 1 }));
    expect(stableJson([undefined, null])).toBe('[null,null]');
  });
});
