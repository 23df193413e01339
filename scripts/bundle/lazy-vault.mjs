// The extension's entry bundle loads the vault (src/vault/index.ts, built on its own as
// dist/vault.js: the use cases, the format, age and the ciphers) on the first use of any of
// its exports, not at activation: activation registers commands, views and providers, and most
// of it never touches a store (bench `activation_vs_empty`, `bundle_kb`).
import * as path from 'node:path';

const VAULT_INDEX = path.resolve('src/vault/index.ts');

/** The door, as the extension imports it (`../vault`, `../../vault`): resolved by path, not by name. */
function isVaultDoor(args) {
  if (!/(^|\/)vault$/.test(args.path) || !args.resolveDir) return false;
  return path.resolve(args.resolveDir, args.path, 'index.ts') === VAULT_INDEX;
}

/**
 * esbuild reads a CommonJS module's named exports by property at each use (`import_vault.x`),
 * after `__toESM` made an object whose prototype is the module's prototype and copied the
 * module's own properties onto it. The module here owns none; its prototype is a proxy that
 * requires dist/vault.js on the first property read, so nothing loads until a use case is
 * called. `__esModule` is answered without loading: dist/vault.js is esbuild's CommonJS.
 */
const LAZY_DOOR = `
let vault;
const load = () => (vault ??= require('./vault.js'));
const exportsOfVault = new Proxy(Object.create(null), {
  get: (_, name) => (name === '__esModule' ? true : load()[name]),
  has: (_, name) => name in load(),
});
module.exports = Object.create(exportsOfVault);
`;

export const lazyVault = {
  name: 'lazy-vault',
  setup(b) {
    b.onResolve({ filter: /vault$/ }, (args) =>
      isVaultDoor(args) ? { path: 'vault', namespace: 'lazy-vault' } : undefined,
    );
    b.onResolve({ filter: /^\.\/vault\.js$/, namespace: 'lazy-vault' }, () => ({ path: './vault.js', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-vault' }, () => ({ contents: LAZY_DOOR, loader: 'js' }));
  },
};
