import js from '@eslint/js'
import jest from 'eslint-plugin-jest'
import { defineConfig } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.cache/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // tsconfig.check.json, not the nearest tsconfig.json (src only, what ncc builds): it covers the
        // sources, tests, dev tools and benchmarks, so every file but the root config files has types.
        project: './tsconfig.check.json',
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // eslint.config.js and jest.config.js: plain configuration, outside tsconfig.check.json.
    files: ['*.js'],
    extends: [tseslint.configs.disableTypeChecked]
  },
  {
    // JavaScript with JSDoc types: typescript-eslint does not see a JSDoc cast (`/** @type {T} */ (x)`),
    // so a parsed JSON value stays `any` to it however it is typed, and ncc publishes no types.
    // tsc (checkJs) still checks these files.
    files: ['dev/**/*.js', 'bench/**/*.{js,cjs}', 'scripts/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off'
    }
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['__tests__/**/*.ts'],
    extends: [jest.configs['flat/recommended']],
    rules: {
      // Test doubles implement async ports without having anything to wait for.
      '@typescript-eslint/require-await': 'off'
    }
  }
)
