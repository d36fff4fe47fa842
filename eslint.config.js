// Lint: ESLint's and typescript-eslint's recommended rules, type-aware, for the problems they find
// (floating or misused promises, awaiting non-promises, unused code, unsafe `any` flowing into typed
// code). Layout is the formatter's business (prettier, `pnpm format`), so no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**', '**/dist/**', '**/build/**', 'docs/**', '.turbo/**',
      // AssemblyScript: TypeScript syntax with its own types (usize, v128) and decorators; asc checks it
      'packages/core/assembly/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        project: ['./tsconfig.lint.json', './packages/*/tsconfig.json', './packages/core/tsconfig.test.json', './apps/*/tsconfig.json', './bench/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_name` marks a parameter an interface requires but this implementation does not use (φ' of a table entry, e.g.)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // async methods that implement a Promise-returning interface (GradientEngine.close) need no await inside
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // tests parse what the code under test printed or wrote (JSON lines, file headers) and assert on it:
    // an untyped value there is checked by the assertion, so the no-unsafe-* family only adds casts
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // commander hands each action its parsed options untyped (`any`); every value went through a flag parser (options.ts)
    files: ['apps/cli/src/main.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
