/**
 * What `publish-accelerator` creates, decided purely from the checkout's files: the code snapshot (which files,
 * where in the datastore, which code version) and the environment (the conda spec the accelerator's
 * `azureml/pipeline.py` generates: conda-forge, python 3.11, pip, pkg-config, cmake, spacy and its English model,
 * then the checkout's requirements.txt as pip dependencies, on the openmpi base image). Versions are content
 * hashes: the same checkout gives the same versions, so a second publish finds them and uploads nothing.
 */
import { shortHash } from './hash';

export const CODE_NAME = 'rag-experiment-accelerator';
export const ENVIRONMENT_NAME = 'rag-experiment-accelerator-env';
/** The base image `azureml/pipeline.py` builds its environment on. */
export const BASE_IMAGE = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest';

/** Files a checkout must have: the step scripts, the package and its requirements. */
export const REQUIRED_PATHS = [
  'azureml/index.py',
  'azureml/query.py',
  'azureml/eval.py',
  'requirements.txt',
  'rag_experiment_accelerator/__init__.py',
] as const;

/** What the steps need at run time: the step scripts, the package, and its build files. */
const SNAPSHOT = [
  /^azureml\/[^/]+\.py$/,
  /^rag_experiment_accelerator\//,
  /^(requirements\.txt|setup\.py|setup\.cfg|pyproject\.toml)$/,
];
const NEVER = [/(^|\/)__pycache__\//, /\.py[co]$/, /(^|\/)\.[^/]+/];

/** Whether a checkout-relative path (forward slashes) goes into the code snapshot. */
export const inSnapshot = (path: string): boolean =>
  SNAPSHOT.some((rx) => rx.test(path)) && !NEVER.some((rx) => rx.test(path));

/**
 * File names that look like a secret store: `.env` (and `.env.*`), keys and certificates (`*.pem`, `*.key`, `*.pfx`,
 * `*.p12`) and `secrets.*`. `publish-accelerator` refuses to upload one unless asked (`--allow-secret-files`).
 */
const SECRET_LOOKING = [/^\.env(\..*)?$/i, /\.(pem|key|pfx|p12)$/i, /^secrets\./i];

/** The paths among `paths` whose file name looks like a secret store. */
export const secretLookingFiles = (paths: readonly string[]): string[] =>
  paths.filter((p) => SECRET_LOOKING.some((rx) => rx.test(p.slice(p.lastIndexOf('/') + 1))));

/** The required files a checkout lacks (empty: it is an accelerator checkout). */
export const missingFromCheckout = (paths: ReadonlySet<string>): string[] =>
  REQUIRED_PATHS.filter((p) => !paths.has(p));

/** The conda spec, as `azureml/pipeline.py`'s `generate_conda_file` writes it from requirements.txt. */
export function condaSpec(requirements: string): string {
  const pip = requirements
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => `    - ${line}\n`)
    .join('');
  return (
    'name: aml-env\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pkg-config\n' +
    `  - cmake\n  - spacy\n  - spacy-model-en_core_web_lg==3.5.0\n  - pip:\n${pip}`
  );
}

export interface SnapshotFile {
  /** Checkout-relative, forward slashes. */
  path: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
}

export interface PublishPlan {
  code: { name: string; version: string; files: SnapshotFile[]; blobPrefix: string };
  environment: { name: string; version: string; image: string; condaFile: string };
  /** The settings the app needs, to print. */
  settings: { AML_CODE_ASSET_ID: string; AML_ENVIRONMENT_ID: string };
}

export function planPublish(files: readonly SnapshotFile[], requirements: string): PublishPlan {
  const snapshot = files.filter((f) => inSnapshot(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  const codeVersion = shortHash(snapshot.map((f) => `${f.path}\u0000${f.sha256}`).join('\n'), 16);
  const condaFile = condaSpec(requirements);
  const envVersion = shortHash(`${BASE_IMAGE}\n${condaFile}`, 16);
  return {
    code: {
      name: CODE_NAME,
      version: codeVersion,
      files: snapshot,
      blobPrefix: `LocalUpload/${codeVersion}/${CODE_NAME}`,
    },
    environment: { name: ENVIRONMENT_NAME, version: envVersion, image: BASE_IMAGE, condaFile },
    settings: {
      AML_CODE_ASSET_ID: `azureml:${CODE_NAME}:${codeVersion}`,
      AML_ENVIRONMENT_ID: `azureml:${ENVIRONMENT_NAME}:${envVersion}`,
    },
  };
}
