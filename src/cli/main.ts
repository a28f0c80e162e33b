/**
 * The CLI: `npm run --silent cli -- plan <config.json>` / `validate <config.json>` (planning, offline) and
 * `publish-accelerator <checkout>` (creates the code and environment versions in the workspace, src/cli/publish.ts).
 * stdout carries only JSON; notes, problems and usage go to stderr. Exit 0 ok, 2 invalid config, 64 usage error.
 */
import { readFileSync } from 'node:fs';
import { parseDataAssetRef } from '../core/dataAsset';
import { duplicateKeys } from '../core/duplicateKeys';
import { shortHash } from '../core/hash';
import { planExperiment, validateOptionsFrom } from '../core/plan';
import { parseSettings, type Env } from '../core/settings';
import { stableJson } from '../core/stableJson';
import type { Problem } from '../core/types';
import { validateConfig } from '../core/validate';
import { writtenFloats } from '../core/writtenFloats';
import { parseArgs, USAGE, type CliArgs } from './args';
import { doctor } from './doctor';
import { publishAccelerator } from './publish';

export const EXIT = { ok: 0, invalid: 2, usage: 64 } as const;

export const DATA_PLACEHOLDER = 'azureml://datastores/workspaceblobstore/paths/<DATA_FOLDER>';
export const EVAL_DATA_PLACEHOLDER = 'azureml://datastores/workspaceblobstore/paths/<EVAL_DATA_FILE>';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
}

const formatProblem = (p: Problem): string => `${p.path || '(root)'}: ${p.message}`;

/** Default experiment id: a content hash of the config, so planning the same file twice gives the same plan. */
export const defaultExperimentId = (config: unknown): string => `cli-${shortHash(stableJson(config), 12)}`;

/** Numbers in the index name that the accelerator's own script would print as floats (`5.0`). */
const NAME_NUMBERS =
  /^\/index\/(ef_construction\/\d+|ef_search\/\d+|chunking\/chunk_size\/\d+|chunking\/overlap_size\/\d+|embedding_model\/\d+\/dimension|sampling\/percentage)$/;

function floatNotes(text: string, wrapped: boolean): string[] {
  return writtenFloats(text)
    .flatMap((pointer) => (!wrapped ? [pointer] : pointer.startsWith('/config/') ? [pointer.slice(7)] : []))
    .filter((pointer) => NAME_NUMBERS.test(pointer))
    .map((pointer) =>
      pointer === '/index/sampling/percentage'
        ? `note: ${pointer} is written as a float; the accelerator's own script would print it with ".0" in the ` +
          'index name, this plan (and the staged config) use the whole number, consistently for every step.'
        : `note: ${pointer} is written as a float; the accelerator's own index step would fail on it (int() of ` +
          '"N.0"), this plan stages the whole number.',
    );
}

type ConfigFile = {
  ok: true;
  config: unknown;
  text: string;
  /** The body's `inputs`, when the file is a `POST /api/experiments` body (`{ "config": …, "inputs": … }`). */
  inputs?: { data?: unknown; evalData?: unknown };
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the accelerator's config.json, or a `POST /api/experiments` body (the README's `examples/experiment.json`)
 * whose `config` holds it: the accelerator's config has no `config` key, so an object there means a body.
 */
function readConfig(file: string, io: Io): ConfigFile | { ok: false; problems: Problem[] } {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    return { ok: false, problems: [{ path: '', message: `Cannot read ${file}: ${reason}.` }] };
  }
  const clean = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(clean) as unknown;
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `${file} is not valid JSON: ${(error as Error).message}.` }] };
  }
  const duplicates = duplicateKeys(clean);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  if (isObject(value) && isObject(value.config)) {
    return { ok: true, config: value.config, text: clean, inputs: isObject(value.inputs) ? value.inputs : {} };
  }
  return { ok: true, config: value, text: clean };
}

/** Runs the CLI; returns the exit status. */
export function run(argv: readonly string[], env: Env, io: Io): number {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(USAGE + '\n');
    return EXIT.ok;
  }
  if (parsed.kind === 'usage') {
    io.stderr(`${parsed.error}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const args: CliArgs = parsed.args;
  const read = readConfig(args.configFile, io);
  if (!read.ok) {
    io.stderr(read.problems.map(formatProblem).join('\n') + '\n');
    return EXIT.invalid;
  }
  if (read.inputs) {
    io.stderr(`note: ${args.configFile} is a POST /api/experiments body: its "config" is read.\n`);
    const given = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    args.data ??= given(read.inputs.data);
    args.evalData ??= given(read.inputs.evalData);
  }
  const { settings, problems: settingProblems } = parseSettings(env);
  for (const p of settingProblems) io.stderr(`warning: ${p.message}\n`);
  // In a POST body the config's problems are under /config.
  const formatted = (problems: readonly Problem[]): string =>
    problems.map((p) => formatProblem(read.inputs ? { ...p, path: `/config${p.path}` } : p)).join('\n') + '\n';

  if (args.command === 'validate') {
    const problems = validateConfig(read.config, validateOptionsFrom(settings));
    if (problems.length > 0) {
      io.stderr(formatted(problems));
      return EXIT.invalid;
    }
    // Plan to list the index names (validation already expanded them; planning is cheap).
    const planned = planExperiment({
      config: read.config,
      experimentId: defaultExperimentId(read.config),
      inputs: { data: DATA_PLACEHOLDER, evalData: EVAL_DATA_PLACEHOLDER },
      settings,
    });
    const indexNames = planned.ok ? planned.plan.pipelines.map((p) => p.indexName) : [];
    io.stdout(JSON.stringify({ valid: true, indexNames }) + '\n');
    return EXIT.ok;
  }

  for (const [flag, value] of [
    ['--data', args.data],
    ['--eval-data', args.evalData],
  ] as const) {
    if (value !== undefined && !/^(azureml:\/\/|https:\/\/)\S+$/.test(value) && !parseDataAssetRef(value)) {
      io.stderr(
        `${flag} must be an azureml://… or https://… URI or an azureml:<asset> data asset; got "${value}".\n\n${USAGE}\n`,
      );
      return EXIT.usage;
    }
  }
  const placeholders = [...settings.placeholders];
  if (!args.data) placeholders.push('--data');
  if (!args.evalData) placeholders.push('--eval-data');
  const result = planExperiment({
    config: read.config,
    experimentId: args.experimentId ?? defaultExperimentId(read.config),
    inputs: { data: args.data ?? DATA_PLACEHOLDER, evalData: args.evalData ?? EVAL_DATA_PLACEHOLDER },
    settings,
    submittedAt: args.submittedAt,
  });
  if (!result.ok) {
    io.stderr(formatted(result.problems));
    return EXIT.invalid;
  }
  for (const note of floatNotes(read.text, read.inputs !== undefined)) io.stderr(note + '\n');
  if (placeholders.length > 0) {
    io.stderr(`note: not set, so the plan holds <PLACEHOLDERS> for: ${placeholders.join(', ')}\n`);
  }
  const { pipelines, components } = result.plan;
  const out = {
    pipelines: pipelines.map((p) => ({ indexName: p.indexName, jobName: p.jobName, config: p.config, job: p.job })),
    components,
  };
  io.stdout(JSON.stringify(out) + '\n');
  return EXIT.ok;
}

if (require.main === module && process.argv[2] === 'publish-accelerator') {
  const rest = process.argv.slice(3);
  const allowSecretFiles = rest.includes('--allow-secret-files');
  const [checkout, ...extra] = rest.filter((a) => a !== '--allow-secret-files');
  if (!checkout || extra.length > 0) {
    process.stderr.write(
      `publish-accelerator takes the path of an accelerator checkout (and --allow-secret-files).\n\n${USAGE}\n`,
    );
    process.exitCode = EXIT.usage;
  } else {
    const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
    void publishAccelerator(checkout, process.env, io, { allowSecretFiles }).then((code) => {
      process.exitCode = code;
    });
  }
} else if (require.main === module && process.argv[2] === 'doctor') {
  const [file, ...extra] = process.argv.slice(3);
  const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  if (extra.length > 0) {
    io.stderr(`doctor takes at most one argument: an experiment file.\n\n${USAGE}\n`);
    process.exitCode = EXIT.usage;
  } else {
    void doctor(file === undefined ? undefined : readFileSync(file, 'utf8'), process.env, io).then((code) => {
      process.exitCode = code;
    });
  }
} else if (require.main === module) {
  const io: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, 'utf8'),
  };
  process.exitCode = run(process.argv.slice(2), process.env, io);
}
