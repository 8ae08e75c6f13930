// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The domain is pure: deciders know nothing of stores, HTTP, logs or the file system.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|immutable$|\\.{1,2}/).*',
              message: 'domain/ imports only zod, immutable (persistent collections) and other domain/ modules (no I/O).',
            },
            {
              group: ['**/infra/**', '**/command-services/**', '**/projections/**', '**/query-api/**'],
              message: 'domain/ depends on nothing outside domain/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The EventStoreDB client stops at the adapter; esdb-dev serves the protocol from its generated code.
    files: ['**/*.ts'],
    ignores: ['infra/event-store/**', 'infra/esdb-dev/**', 'tests/**', 'domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@eventstore/db-client', '@eventstore/db-client/*'], message: 'Use infra/event-store/.' }] },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'infra/esdb-dev/main.ts', 'tests/bench/**'],
    rules: { 'no-console': 'off' },
  },
);
