import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve(__dirname, '../../infra/scripts/lint-infra.sh');

/** A PATH holding only the few tools the script needs before it looks for dotnet: no .NET SDK on it. */
function pathWithoutDotnet(dir: string): string {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  for (const tool of ['bash', 'dirname', 'uname', 'tr', 'cat', 'mkdir']) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  return bin;
}

describe('lint-infra.sh', () => {
  it('without the .NET SDK (and no compiler restored), says how to get the Bicep CLI and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-infra-'));
    try {
      const result = spawnSync(join(pathWithoutDotnet(dir), 'bash'), [script], {
        env: { PATH: join(dir, 'bin'), BICEP_CACHE_DIR: join(dir, 'cache') },
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('cannot get the Bicep compiler');
      const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
      expect(result.stderr).toContain(
        linuxX64 ? "the .NET SDK ('dotnet') is not installed" : 'the NuGet package only holds a linux-x64 binary',
      );
      expect(result.stderr).toContain('BICEP=/path/to/bicep npm run lint:infra');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a BICEP override that is not an executable', () => {
    const result = spawnSync('bash', [script], {
      env: { ...process.env, BICEP: '/nonexistent/bicep' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('BICEP=/nonexistent/bicep is not an executable file');
  });
});
