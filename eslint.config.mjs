import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.local/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  // Test support lives in each package's src/testing/ (one convention) and stays out of the production import graph.
  {
    files: ['shared/src/**/*.ts', 'queues/src/**/*.ts', 'mailbox-runtime/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/testing', '**/testing/*', '@outlook-connect/*/testing'],
              message: 'test support (src/testing/) is for tests only',
            },
            {
              group: ['@outlook-connect/stack', '@outlook-connect/ms-emulator'],
              message: 'test packages are for tests only',
            },
          ],
        },
      ],
    },
  },
);
