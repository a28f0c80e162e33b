import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The product (src/) runs in Azure: it never imports the offline tooling (packages/, local/) nor tests or benches.
const toolingImports = {
  group: ['@rag-orchestrator/*', '**/packages/**', '**/local/**', '**/test/**', '**/bench/**'],
  message: 'src is the product: it must not import the local tooling (packages/, local/), tests or benches.',
};

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
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [toolingImports] }] },
  },
  {
    // The pure core must never touch Azure or I/O: enforced here, not by convention.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            toolingImports,
            { group: ['@azure/*', 'durable-functions'], message: 'src/core is the pure core: no Azure imports.' },
            {
              group: ['node:fs', 'fs', 'node:http*', 'http', 'https', 'node:net', 'net'],
              message: 'src/core is the pure core: no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // Functions of over about 80 lines are split into named parts: in the product and in the tooling alike (tests'
    // describe blocks, lists of cases, excepted).
    files: ['src/**/*.ts', 'packages/*/src/**/*.ts', 'local/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  prettier,
);
