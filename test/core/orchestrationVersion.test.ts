import { compareVersions, versionAtLeast } from '../../src/core/orchestrationVersion';

describe('orchestration versions', () => {
  it('compare dot-separated numbers numerically', () => {
    expect(compareVersions('1.0', '2.0')).toBe(-1);
    expect(compareVersions('10.0', '9.1')).toBe(1);
    expect(compareVersions('2', '2.0')).toBe(0);
    expect(compareVersions('2.0.1', '2.0')).toBe(1);
  });

  it('an instance started without a version is older than every version', () => {
    expect(compareVersions(undefined, '1.0')).toBe(-1);
    expect(compareVersions('', '0.1')).toBe(-1);
    expect(compareVersions(undefined, '')).toBe(0);
    expect(versionAtLeast(undefined, '1.0')).toBe(false);
  });

  it('a step introduced in 2.0 runs for 2.0 and later, never for 1.0', () => {
    expect(versionAtLeast('1.0', '2.0')).toBe(false);
    expect(versionAtLeast('2.0', '2.0')).toBe(true);
    expect(versionAtLeast('2.1', '2.0')).toBe(true);
  });

  it('versions that are not numbers compare as text', () => {
    expect(compareVersions('beta', 'alpha')).toBe(1);
    expect(compareVersions('beta', 'beta')).toBe(0);
  });
});
