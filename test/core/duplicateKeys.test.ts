import { duplicateKeys, MAX_DUPLICATES_REPORTED } from '../../src/core/duplicateKeys';

describe('duplicateKeys (a key written twice is refused, not silently shadowed)', () => {
  it('finds nothing in JSON without duplicates, however keys repeat across objects', () => {
    expect(duplicateKeys('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}],"d":"\\"a\\":"}')).toEqual([]);
    expect(duplicateKeys('[1,"x",null,{}]')).toEqual([]);
  });

  it('names the JSON path of every repeated key, at any depth and inside arrays', () => {
    const text = '{"config":{"experiment_name":"a","index":{},"experiment_name":"b"},"x":[0,{"k":1,"k":2}],"x":3}';
    expect(duplicateKeys(text).map((p) => p.path)).toEqual(['/config/experiment_name', '/x/1/k', '/x']);
    expect(duplicateKeys(text)[0]?.message).toContain("'experiment_name' is written more than once");
  });

  it('compares keys as JSON reads them (escapes decoded) and escapes the pointer', () => {
    expect(duplicateKeys('{"a/b":1,"a\\u002fb":2}').map((p) => p.path)).toEqual(['/a~1b']);
    expect(duplicateKeys('{"a~":1,"a~":2}').map((p) => p.path)).toEqual(['/a~0']);
    expect(duplicateKeys('{"a\\\\":1,"a\\\\":2,"b":"\\\\"}').map((p) => p.path)).toEqual(['/a\\']);
  });

  it('does not echo a huge key whole', () => {
    const key = 'k'.repeat(100_000);
    const [problem] = duplicateKeys(JSON.stringify({ a: 1 }).replace('{', `{"${key}":1,"${key}":2,`));
    expect(problem?.path.length).toBeLessThan(110);
    expect(problem?.message.length).toBeLessThan(300);
  });

  it('reports at most MAX_DUPLICATES_REPORTED', () => {
    const text = `{${Array.from({ length: 5000 }, () => '"a":1').join(',')}}`;
    expect(duplicateKeys(text)).toHaveLength(MAX_DUPLICATES_REPORTED);
  });

  it('handles deep nesting without recursion', () => {
    const deep = '['.repeat(200_000) + '{"k":1,"k":2}' + ']'.repeat(200_000);
    expect(duplicateKeys(deep)).toHaveLength(1);
  });
});
