/**
 * src/ is layered (eslint.config.mjs `LAYERS_ABOVE`): core < report, orchestrators < azure < activities < lookups <
 * functions, cli. ESLint refuses an import that points up; these probes prove the rule fires where it must and
 * lets through what each layer may import.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The restricted-import errors ESLint reports for `code` as if it were `file`, one import specifier per error. */
function refused(file: string, imports: string[]): string[] {
  const code = [
    ...imports.map((spec, i) => `import * as m${i} from '${spec}';`),
    `export const all = [${imports.map((_, i) => `m${i}`).join(', ')}];`,
    '',
  ].join('\n');
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return [
    ...new Set(
      report!.messages
        .filter((m) => m.ruleId === 'no-restricted-imports' && m.message.includes('no arrow upward'))
        .map((m) => /^'([^']+)'/.exec(m.message)![1]!),
    ),
  ];
}

describe('src layers', () => {
  it('refuses every arrow upward and allows the arrows down', () => {
    expect(
      refused('src/core/probe.ts', [
        './contracts',
        '../activities/deps',
        '../azure/clients',
        '../settings',
        '../report/model',
      ]),
    ).toEqual(['../activities/deps', '../azure/clients', '../settings', '../report/model']);
    expect(
      refused('src/orchestrators/probe.ts', [
        '../core/contracts',
        '../activities/raiseEvent',
        '../azure/clients',
        '../lookups/dataAssetVersions',
        '../functions/http',
      ]),
    ).toEqual(['../activities/raiseEvent', '../azure/clients', '../lookups/dataAssetVersions', '../functions/http']);
    expect(refused('src/report/probe.ts', ['../core/experimentView', '../orchestrators/names'])).toEqual([
      '../orchestrators/names',
    ]);
    expect(refused('src/azure/probe.ts', ['../core/settings', '../settings', '../activities/result'])).toEqual([
      '../activities/result',
    ]);
    expect(
      refused('src/activities/probe.ts', ['../azure/clients', '../core/contracts', '../lookups/dataAssetVersions']),
    ).toEqual(['../lookups/dataAssetVersions']);
    expect(
      refused('src/lookups/preflight/probe.ts', [
        '../../activities/deps',
        '../../azure/clients',
        '../../functions/http',
      ]),
    ).toEqual(['../../functions/http']);
    expect(
      refused('src/functions/probe.ts', [
        '../orchestrators/names',
        '../lookups/dataAssetVersions',
        '../activities/handlers',
      ]),
    ).toEqual(['../activities/handlers']);
  }, 60_000);
});
