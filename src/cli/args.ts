/** Command-line parsing for `npm run cli -- <command> <config.json> [options]`. */

export const USAGE = `Usage: npm run --silent cli -- <command> <config.json> [options]

Commands:
  plan <config.json>       Validate the accelerator config and print the plan as JSON on stdout:
                           {"pipelines":[{"indexName","jobName","config","job"}],"components":[...]}
  validate <config.json>   Validate only; print {"valid":true,"indexNames":[...]} on stdout.
  publish-accelerator <checkout> [--allow-secret-files]
                           Upload the accelerator checkout's code and register it and its conda environment in the
                           workspace (content-hashed versions: a second run uploads nothing); print
                           AML_CODE_ASSET_ID=… and AML_ENVIRONMENT_ID=… on stdout. Honours .amlignore, else
                           .gitignore, in every folder; refuses .env, *.pem, *.key, secrets.* files unless
                           --allow-secret-files. Exit 2: not a checkout (nothing uploaded), 3: workspace settings
                           unset, 4: Azure refused, 5: secret-looking files (nothing uploaded).
  doctor [experiment.json] Run the start's preflight with your Azure settings and sign-in (vCPU quota, Search index
                           slots, OpenAI deployments, code/environment assets, Key Vault access, your permissions):
                           one line per check, ok / problem / cannot tell, with the fix. Exit 1 on a problem.

Options (plan):
  --experiment-id <id>     Experiment id (default: derived from the config's content, so repeated plans are identical)
  --data <uri>             Documents folder, azureml://... or https://... (default: a marked placeholder)
  --eval-data <uri>        Evaluation data file (JSONL), azureml://... or https://... (default: a marked placeholder)
  --submitted-at <iso>     Submission time for display names (<job_name>_<YYYY_MM_DD_HH_MM_SS>); default: none
  -h, --help               Show this help

Settings (workspace ids, compute, Key Vault, code and environment assets) come from the app's environment
variables (see src/core/settings.ts); missing ones become <PLACEHOLDERS>, listed on stderr.

Exit status: 0 valid, 2 invalid config (every problem on stderr as "<json path>: <message>"), 64 usage error.`;

export interface CliArgs {
  command: 'plan' | 'validate';
  configFile: string;
  experimentId?: string;
  data?: string;
  evalData?: string;
  submittedAt?: string;
}

export type ParsedArgs = { kind: 'help' } | { kind: 'run'; args: CliArgs } | { kind: 'usage'; error: string };

type OptionKey = 'experimentId' | 'data' | 'evalData' | 'submittedAt';

const OPTIONS: Record<string, OptionKey> = {
  '--experiment-id': 'experimentId',
  '--data': 'data',
  '--eval-data': 'evalData',
  '--submitted-at': 'submittedAt',
};

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const positional: string[] = [];
  const values: Partial<Record<OptionKey, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = OPTIONS[flag];
    if (key) {
      const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') return { kind: 'usage', error: `${flag} needs a value.` };
      values[key] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      return { kind: 'usage', error: `Unknown option ${arg}.` };
    } else positional.push(arg);
  }
  const [command, configFile, ...extra] = positional;
  if (!command) return { kind: 'usage', error: 'Name a command: plan or validate.' };
  if (command === 'publish-accelerator') {
    return { kind: 'usage', error: 'publish-accelerator takes only the path of an accelerator checkout.' };
  }
  if (command !== 'plan' && command !== 'validate') return { kind: 'usage', error: `Unknown command "${command}".` };
  if (!configFile) return { kind: 'usage', error: `${command} needs the path of a config.json.` };
  if (extra.length > 0) return { kind: 'usage', error: `Unexpected argument "${extra[0]}".` };
  if (command === 'validate' && Object.keys(values).length > 0) {
    return { kind: 'usage', error: 'validate takes no options.' };
  }
  return { kind: 'run', args: { command, configFile, ...values } };
}
