// Flat config: type-checked TypeScript rules everywhere, plus a determinism fence around workflow code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'test-results/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/test return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is pure: schemas and types every layer shares, depending on none of them.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/channels/**',
                '**/api/**',
                '**/activities/**',
                '**/workflows/**',
                '**/db/**',
                '**/service/**',
              ],
              message: 'The domain imports nothing from the layers built on it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: it must stay deterministic and free of I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows must not use Node built-ins (non-deterministic / I/O).' },
            {
              group: ['undici', 'pg', 'pino', 'kysely', '@electric-sql/*', '@nestjs/*'],
              message: 'No I/O libraries in workflows.',
            },
            {
              group: ['**/activities/*.activities.js', '**/activities/recipients.js', '**/activities/webhook.js'],
              message: 'Workflows import only pure shared modules (and `import type` of the activity contract).',
              allowTypeImports: true,
            },
            {
              group: ['**/channels/**', '**/api/**', '**/config/**', '**/db/**', '**/service/**'],
              message: 'Workflows import nothing from channels, api, config, db or service, not even types.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() / condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'fetch', message: 'All I/O lives in activities.' },
        { name: 'process', message: 'Workflows must not read the environment.' },
      ],
    },
  },
);
