import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The product (src/) runs in Azure: it never imports the offline tooling (packages/, local/) nor tests or benches.
const toolingImports = {
  group: ['@rag-orchestrator/*', '**/packages/**', '**/local/**', '**/test/**', '**/bench/**'],
  message: 'src is the product: it must not import the local tooling (packages/, local/), tests or benches.',
};

// The layers above each one: what its files must not import (relative paths from one or two folders down).
const LAYERS_ABOVE = {
  core: ['report', 'orchestrators', 'azure', 'activities', 'lookups', 'functions', 'cli', 'settings', 'index'],
  report: ['orchestrators', 'azure', 'activities', 'lookups', 'functions', 'cli', 'settings', 'index'],
  orchestrators: ['report', 'azure', 'activities', 'lookups', 'functions', 'cli', 'settings', 'index'],
  azure: ['report', 'orchestrators', 'activities', 'lookups', 'functions', 'cli', 'index'],
  activities: ['report', 'orchestrators', 'lookups', 'functions', 'cli', 'index'],
  lookups: ['report', 'orchestrators', 'functions', 'cli', 'index'],
  functions: ['activities', 'cli', 'index'],
  cli: ['report', 'orchestrators', 'activities', 'functions', 'index'],
};
const NO_AZURE = { group: ['@azure/*', '@azure-rest/*'], message: 'orchestrators only coordinate: no Azure SDK.' };
const pure = (layer) => [
  { group: ['@azure/*', '@azure-rest/*', 'durable-functions'], message: `src/${layer} is pure: no Azure imports.` },
  {
    group: ['node:fs', 'fs', 'node:http*', 'http', 'https', 'node:net', 'net'],
    message: `src/${layer} is pure: no I/O.`,
  },
];

function layerRules() {
  return Object.entries(LAYERS_ABOVE).map(([layer, above]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            toolingImports,
            {
              group: above.flatMap((up) => [`../${up}`, `../${up}/**`, `../../${up}`, `../../${up}/**`]),
              message: `src/${layer} must not import a layer above it (${above.join(', ')}): no arrow upward.`,
            },
            ...(layer === 'core' || layer === 'report' ? pure(layer) : []),
            ...(layer === 'orchestrators' ? [NO_AZURE] : []),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', 'infra/**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // src/ is layered; an arrow never points up. Each layer may import only the ones listed before it:
  //   core (pure) < report, orchestrators (core only) < azure (+ src/settings.ts) < activities < lookups
  //   < functions, cli < index.ts. Contracts between orchestrators and activities live in src/core/contracts.ts.
  {
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [toolingImports] }] },
  },
  ...layerRules(),
  {
    // Functions of over about 80 lines are split into named parts: in the product and in the tooling alike (tests'
    // describe blocks, lists of cases, excepted).
    files: ['src/**/*.ts', 'packages/*/src/**/*.ts', 'local/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  prettier,
);
