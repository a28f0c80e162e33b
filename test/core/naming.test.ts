/**
 * Parity with the accelerator's `IndexConfig.flatten()`, `index_name()` and `from_index_name()`. Expected names are
 * written out by hand from the rules in ACCELERATOR.md (order idx efc efs em sp p cs st o t s oc [d], booleans 0/1,
 * model lower-cased, cut at 127), never computed by the code under test.
 */
import { expandIndexConfigs } from '../../src/core/expand';
import { indexName, jobNameFor, JOB_NAME_PATTERN, parseIndexName } from '../../src/core/naming';
import { pyFloat, pyNumber } from '../../src/core/pyFormat';
import { fixture } from './helpers';

const names = (config: unknown): string[] => expandIndexConfigs(config).map(indexName);

describe('index names, byte for byte', () => {
  it('names the sample config as the accelerator does', () => {
    expect(names(fixture('sample'))).toEqual([
      'idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000_st-basic_o-200_t-0_s-0_oc-0',
    ]);
  });

  it('expands efc × efs × chunk_size × overlap_size × model in the accelerator order, d only with a dimension', () => {
    const got = names(fixture('multi'));
    expect(got).toHaveLength(16);
    const ada = 'em-text-embedding-ada-002_sp-10_p-1';
    const mini = 'em-all-minilm-l6-v2_sp-10_p-1';
    expect(got).toEqual([
      `idx-multi_efc-300_efs-400_${ada}_cs-512_st-basic_o-64_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-300_efs-400_${mini}_cs-512_st-basic_o-64_t-1_s-0_oc-0`,
      `idx-multi_efc-300_efs-400_${ada}_cs-512_st-basic_o-128_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-300_efs-400_${mini}_cs-512_st-basic_o-128_t-1_s-0_oc-0`,
      `idx-multi_efc-300_efs-400_${ada}_cs-1024_st-basic_o-64_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-300_efs-400_${mini}_cs-1024_st-basic_o-64_t-1_s-0_oc-0`,
      `idx-multi_efc-300_efs-400_${ada}_cs-1024_st-basic_o-128_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-300_efs-400_${mini}_cs-1024_st-basic_o-128_t-1_s-0_oc-0`,
      `idx-multi_efc-400_efs-400_${ada}_cs-512_st-basic_o-64_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-400_efs-400_${mini}_cs-512_st-basic_o-64_t-1_s-0_oc-0`,
      `idx-multi_efc-400_efs-400_${ada}_cs-512_st-basic_o-128_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-400_efs-400_${mini}_cs-512_st-basic_o-128_t-1_s-0_oc-0`,
      `idx-multi_efc-400_efs-400_${ada}_cs-1024_st-basic_o-64_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-400_efs-400_${mini}_cs-1024_st-basic_o-64_t-1_s-0_oc-0`,
      `idx-multi_efc-400_efs-400_${ada}_cs-1024_st-basic_o-128_t-1_s-0_oc-0_d-1536`,
      `idx-multi_efc-400_efs-400_${mini}_cs-1024_st-basic_o-128_t-1_s-0_oc-0`,
    ]);
  });

  it('uses the accelerator defaults for absent chunking and sampling fields, and leaves out dimension 0', () => {
    expect(names(fixture('defaults'))).toEqual([
      'idx-def_efc-100_efs-1000_em-all-mpnet-base-v2_sp-5_p-0_cs-256_st-basic_o-0_t-0_s-0_oc-0',
      'idx-def_efc-100_efs-1000_em-text-embedding-3-small_sp-5_p-0_cs-256_st-basic_o-0_t-0_s-0_oc-0_d-512',
    ]);
    const [first] = expandIndexConfigs(fixture('defaults'));
    expect(first).toMatchObject({
      preprocess: false,
      generateTitle: false,
      generateSummary: false,
      overrideContentWithSummary: false,
      azureDocumentIntelligenceModel: 'prebuilt-read',
      samplingPercentage: 5,
    });
  });

  it('uses the defaults for a config without an index section at all', () => {
    expect(names({})).toEqual([
      'idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-512_st-basic_o-128_t-0_s-0_oc-0',
    ]);
  });

  it('prints a fractional percentage as Python does', () => {
    expect(names(fixture('fractional-percentage'))).toEqual([
      'idx-frac_efc-400_efs-400_em-all-mpnet-base-v2_sp-2.5_p-0_cs-1000_st-basic_o-200_t-0_s-0_oc-0',
    ]);
  });

  it('cuts at 127 characters, so d-3072 silently becomes d-30 (the ACCELERATOR.md case)', () => {
    const [name] = names(fixture('long-prefix-cut'));
    expect(name).toBe(
      'idx-longpref9_efc-400_efs-400_em-text-embedding-3-large_sp-5_p-0_cs-1000_st-azure-document-intelligence_o-200_t-0_s-0_oc-0_d-30',
    );
    expect(name).toHaveLength(127);
    const parsed = parseIndexName(name ?? '');
    expect(parsed.ok && parsed.value.dimension).toBe(30);
  });
});

describe('numbers as Python prints them', () => {
  it.each([
    [5, '5'],
    [0, '0'],
    [2.5, '2.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [33.333333333333336, '33.333333333333336'],
    [1e22, '10000000000000000000000'],
  ])('pyNumber(%p) is %p', (value, text) => expect(pyNumber(value)).toBe(text));

  it.each([
    [5, '5.0'],
    [1e16, '1e+16'],
    [1234567890123456.0, '1234567890123456.0'],
    [-0.5, '-0.5'],
  ])('pyFloat(%p) is %p', (value, text) => expect(pyFloat(value)).toBe(text));
});

describe('from_index_name', () => {
  it('parses a name back to the combination it came from', () => {
    const parsed = parseIndexName(
      'idx-multi_efc-300_efs-400_em-text-embedding-ada-002_sp-10_p-1_cs-512_st-basic_o-64_t-1_s-0_oc-0_d-1536',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        indexNamePrefix: 'multi',
        efConstruction: 300,
        efSearch: 400,
        modelName: 'text-embedding-ada-002',
        samplingPercentage: '10',
        preprocess: true,
        chunkSize: 512,
        chunkingStrategy: 'basic',
        overlapSize: 64,
        generateTitle: true,
        generateSummary: false,
        overrideContentWithSummary: false,
        dimension: 1536,
      },
    });
  });

  it('fails like Python on a part without "-", a missing key, or a non-integer', () => {
    expect(parseIndexName('idx-my_idx_efc-400').ok).toBe(false);
    expect(parseIndexName('idx-a_efc-400').ok).toBe(false);
    const float = parseIndexName('idx-a_efc-400.0_efs-1_em-m_sp-5_p-0_cs-1_st-basic_o-1_t-0_s-0_oc-0');
    expect(float.ok).toBe(false);
  });

  it('lets later keys win and strips values, as the Python dict comprehension does', () => {
    const parsed = parseIndexName('idx-a_efc-1_efc- 2 _efs-1_em-m_sp-5_p-0_cs-1_st-basic_o-1_t-0_s-0_oc-0');
    expect(parsed.ok && parsed.value.efConstruction).toBe(2);
  });
});

describe('job names', () => {
  const [a, b] = expandIndexConfigs(fixture('multi'));
  if (!a || !b) throw new Error('fixture');

  it('are deterministic, differ per combination and per experiment, and are valid ARM names', () => {
    const first = jobNameFor('chunking sweep #1', 'exp-1', a);
    expect(jobNameFor('chunking sweep #1', 'exp-1', { ...a })).toBe(first);
    expect(jobNameFor('chunking sweep #1', 'exp-1', b)).not.toBe(first);
    expect(jobNameFor('chunking sweep #1', 'exp-2', a)).not.toBe(first);
    expect(first).toMatch(/^chunking-sweep-1-[0-9a-f]{12}$/);
    expect(first).toMatch(JOB_NAME_PATTERN);
  });

  it('stay valid for experiment names that are long or have no usable character', () => {
    const long = jobNameFor('x'.repeat(300), 'e', a);
    expect(long).toMatch(JOB_NAME_PATTERN);
    expect(long.length).toBeLessThanOrEqual(53);
    expect(jobNameFor('  ###  ', 'e', a)).toMatch(/^rag-[0-9a-f]{12}$/);
    expect(jobNameFor('_leading', 'e', a)).toMatch(/^leading-/);
  });
});
