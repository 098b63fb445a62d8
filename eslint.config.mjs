import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworkImports = ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'express', 'pg', 'nestjs-pino', 'passport*'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tollgate/**', 'artifacts/**', '**/vite.config.mts'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          depConstraints: [
            // Libraries are plain TypeScript: no framework, no database, no queue, never an app.
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'], bannedExternalImports: frameworkImports },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // The Stripe SDK lives only under libs/billing/src/stripe/; vendor AI SDKs nowhere in libs/providers.
    files: ['apps/**/*.ts', 'libs/providers/**/*.ts', 'libs/billing/src/pricing/**/*.ts', 'libs/billing/src/ledger/**/*.ts', 'libs/billing/src/invoicing/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['stripe', 'openai', '@anthropic-ai/sdk', '@google/genai', '@mistralai/mistralai'] }],
    },
  },
  {
    // Tests may reach across projects (test/support helpers start the real app) and read loose JSON.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.browser-spec.ts', 'test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
