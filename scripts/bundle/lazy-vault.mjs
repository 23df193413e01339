// The extension's entry bundle loads the vault (src/vault/index.ts, built on its own as
// dist/vault.js: the use cases, the format, age and the ciphers) on the first use of any of
// its exports, not at activation: activation registers commands, views and providers, and most
// of it never touches a store (bench `activation_vs_empty`, `bundle_kb`).
// The names of the hot path come from dist/vault-shared.js, the rest from dist/vault.js
// (scripts/bundle/vault-split.mjs).
import { lazyDoor } from './lazy-door.mjs';
import { HOT_PATH_NAMES, VAULT_DOOR_FILE, VAULT_HOT_PATH_FILE } from './vault-split.mjs';

export const lazyVault = lazyDoor({
  name: 'lazy-vault',
  door: 'src/vault/index.ts',
  file: VAULT_DOOR_FILE,
  parts: [{ file: VAULT_HOT_PATH_FILE, names: HOT_PATH_NAMES }],
});
