// Lint: typescript-eslint's recommended rules over the project's TypeScript; formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'bin/**', 'infra/bootstrap.cjs', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Generator-based fits and Temporal's proxies use `this`-free functions; explicit any is refused.
      '@typescript-eslint/no-explicit-any': 'error',
      // A variable read by a closure (a query handler, a progress callback) before its one assignment stays let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
);
