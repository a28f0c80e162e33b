import { validateConfig } from '../../src/core/validate';
import { fixture } from './helpers';

describe("refusing at plan time what the accelerator's steps would break on", () => {
  it('refuses a relative or local $schema, naming its path and the fix', () => {
    for (const schema of ['./config.schema.json', 'config.schema.json', '/srv/schemas/config.schema.json']) {
      const config = { ...fixture('sample'), $schema: schema };
      const problems = validateConfig(config);
      expect(problems.map((p) => p.path)).toEqual(['/$schema']);
      expect(problems[0]!.message).toContain('Local schema file not found');
    }
  });

  it('accepts an https $schema, or none', () => {
    expect(validateConfig(fixture('sample'))).toEqual([]);
    const { $schema: _omitted, ...without } = fixture('sample');
    expect(validateConfig(without)).toEqual([]);
  });

  it('refuses an artifacts_dir of the submitting machine', () => {
    const config = { ...fixture('sample'), path: { artifacts_dir: 'C:\\\\work\\\\artifacts' } };
    expect(validateConfig(config).map((p) => p.path)).toEqual(['/path/artifacts_dir']);
  });
});
