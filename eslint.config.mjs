// Lint rules for the whole repository; `npm run lint` (the first stage of `npm test`) runs them
// with `prettier --check` and `tsc --noEmit`. Formatting is prettier's job: eslint-config-prettier
// turns off every stylistic rule that would fight it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const PROMPTS = '/^show(InformationMessage|WarningMessage|ErrorMessage|QuickPick|InputBox|OpenDialog|SaveDialog)$/';
const PROMPT_BYPASS = [
  `MemberExpression[property.name=${PROMPTS}]`,
  `ObjectPattern > Property[key.name=${PROMPTS}]`,
].map((selector) => ({ selector, message: 'Ask and tell through ctx.prompter (prompter.ts), not vscode.window.' }));
const SETTINGS_BYPASS = [
  "CallExpression[callee.property.name='getConfiguration'][arguments.length=0]",
  "CallExpression[callee.property.name='getConfiguration'][arguments.0.value=/^kagi/]",
].map((selector) => ({ selector, message: 'Read kagi.* settings through ctx.config() (config.ts).' }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'demo/**', 'test-results/**', '.vscode-test/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Loops that wait on a condition (`for (;;)` with a return inside) are deliberate.
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      // Control characters are matched on purpose: names and terminal output are screened for them.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain Node scripts and the test runner extension (CommonJS).
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Functions handed to Playwright's page.evaluate() run in the browser.
    files: ['scripts/vscode/*.mjs', 'test/ui/**/*.ts'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly' } },
  },
  {
    // Every question and message of the extension goes through the Prompter (prompter.ts), so
    // the integration suite answers them from a script and records what was shown; settings are
    // read only through ctx.config() (config.ts: typed, validated, checked against package.json).
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/prompter.ts'],
    rules: { 'no-restricted-syntax': ['error', ...PROMPT_BYPASS, ...SETTINGS_BYPASS] },
  },

  {
    // One door into the vault: the front ends import `src/vault` (its use-case layer) and nothing deeper.
    files: ['src/cli/**/*.ts', 'src/extension/**/*.ts', 'src/protocol/**/*.ts', 'webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/vault/*'],
              message: 'Import the vault through its door, src/vault (usecases/index.ts); add the use case there.',
            },
          ],
        },
      ],
    },
  },
  {
    // The vault is the product's heart and runs in plain Node: no editor API inside.
    files: ['src/vault/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/vault must not import vscode' }] }],
    },
  },
  {
    // Below the door, modules depend downwards only: nothing under src/vault imports a use case.
    files: ['src/vault/**/*.ts'],
    ignores: ['src/vault/usecases/**', 'src/vault/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/vault must not import vscode' }],
          patterns: [{ group: ['**/usecases', '**/usecases/*'], message: 'use cases sit above the vault modules' }],
        },
      ],
    },
  },
);
