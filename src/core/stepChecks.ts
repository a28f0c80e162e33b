/**
 * What the accelerator's step scripts (azureml/index.py, query.py, eval.py → `Config.from_path`) would break on
 * with the config as we stage it, refused at plan time instead. Pure. See docs/planning.md ("Checked against the
 * step scripts") for what was compared and what was found safe.
 */
import type { Problem } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * - `$schema`: `validate_json_with_schema` fetches an http(s) `$schema` and reads any other value as a file path
 *   relative to the config file. The staged config sits alone in the datastore (no schema beside it), so a relative
 *   or local `$schema` fails every step with "Local schema file not found".
 * - `path.*`: `PathConfig.initialize_paths` keeps paths given in the config; a path of the submitting machine
 *   (a Windows drive or a home folder) does not exist on the cluster. The steps set the data, query and eval folders
 *   from their inputs, so only `path.artifacts_dir` and the files derived from it matter.
 */
export function stepProblems(config: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const schema = config.$schema;
  if (typeof schema === 'string' && schema && !/^https?:\/\//i.test(schema)) {
    problems.push({
      path: '/$schema',
      message:
        `"$schema" is "${schema}", a local path: the accelerator's steps read it relative to the staged config on ` +
        'the datastore, where no schema file is, and fail ("Local schema file not found"). Use the schema\'s https ' +
        'URL (https://raw.githubusercontent.com/microsoft/rag-experiment-accelerator/development/config.schema.json) ' +
        'or remove "$schema".',
    });
  }
  const paths = isRecord(config.path) ? config.path : undefined;
  const artifacts = paths?.artifacts_dir;
  if (typeof artifacts === 'string' && /^([A-Za-z]:[\\/]|~|\\\\)/.test(artifacts)) {
    problems.push({
      path: '/path/artifacts_dir',
      message: `path.artifacts_dir "${artifacts}" is a path of this machine, which the AzureML cluster does not have: remove it (the steps then use a folder beside the staged config).`,
    });
  }
  return problems;
}
