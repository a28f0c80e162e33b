import { writtenFloats } from '../../src/core/writtenFloats';

describe('writtenFloats', () => {
  it('finds whole numbers written as floats, with their JSON pointers', () => {
    const text =
      '{"a": [1.0, 2, {"b": 3e2, "c/d": [4.5, 5.00]}], "s": "1.0 in a \\"string\\"",\n' +
      ' "index": {"ef_construction": [400.0, 500], "sampling": {"percentage": 5.0},' +
      ' "embedding_model": [{"model_name": "x", "dimension": 1.536e3}]}, "n": -0.0}';
    expect(writtenFloats(text)).toEqual([
      '/a/0',
      '/a/2/b',
      '/a/2/c~1d/1',
      '/index/ef_construction/0',
      '/index/sampling/percentage',
      '/index/embedding_model/0/dimension',
      '/n',
    ]);
  });

  it('finds nothing in the accelerator sample config', () => {
    expect(writtenFloats('{"temperature": 0, "search_relevancy_threshold": 0.8, "percentage": 5}')).toEqual([]);
  });
});
