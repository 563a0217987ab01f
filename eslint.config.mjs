// ESLint flat config: typescript-eslint type-checked rules, and the layering rule that keeps the
// product core (src/core) and the command-line tool free of any runtime `vscode` import.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const noRuntimeVscode = {
  name: 'vscode',
  allowTypeImports: true,
  message:
    'src/core, src/cli, the webview app and the Studio protocol must not import vscode at runtime: the core runs in plain Node. Pass what you need in from an adapter, or use `import type`.',
};
const azureIdentityLazy = {
  name: '@azure/identity',
  allowTypeImports: true,
  message: 'Load @azure/identity lazily (`await import(...)`) so that activation stays fast.',
};

/**
 * The webview app is a browser bundle: besides its own files and packages, it may import only the
 * protocol, the vocabulary and the browser-safe mask model. `depth` is how far below src/ the
 * importing file is (src/webview/x.ts: 1; src/webview/components/x.ts: 2), so `../` inside the app stays allowed.
 */
const webviewOnlyProtocol = (depth) => ({
  regex: `^${'\\.\\./'.repeat(depth)}(?!(\\.\\./)*(studio/)?(protocol|viewType)$|(\\.\\./)*core/(vocabulary|studio/maskModel)$)`,
  message: 'The Studio app may import only src/studio/protocol.ts, src/core/vocabulary.ts and the browser-safe mask model (src/core/studio/maskModel.ts) from outside its folder: the host sends it what the core computed.',
});
/** One place reads the extension's settings, with their defaults once. */
const settingsReadOnce = {
  selector: "CallExpression[callee.property.name='getConfiguration'] > Literal[value=/^foundryMockups/]",
  message: "Read foundryMockups.* settings through src/host/settings.ts (setting(), outputFolder(), ...), the one typed reader with the defaults.",
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.vscode-test-host/**', 'test-artifacts/**', '.package/**', '.bench/**', '.build/**', '**/*.d.ts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'test/*/*.mjs', '.vscode-test.mjs'],
          // The build, packaging and test-host scripts (plain .mjs, outside tsconfig): a dozen small files.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [azureIdentityLazy] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/host/settings.ts'],
    rules: {
      'no-restricted-syntax': ['error', settingsReadOnce],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/webview/**/*.ts', 'src/studio/app/**/*.ts', 'src/studio/protocol.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noRuntimeVscode, azureIdentityLazy] }],
    },
  },
  {
    files: ['src/webview/*.ts', 'src/studio/app/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noRuntimeVscode, azureIdentityLazy], patterns: [webviewOnlyProtocol(1)] }],
    },
  },
  {
    files: ['src/webview/*/*.ts', 'src/studio/app/*/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noRuntimeVscode, azureIdentityLazy], patterns: [webviewOnlyProtocol(2)] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
