// Workspace fixtures: a temp workspace folder with a vault made through the CLI contract
// (`node dist/cli.js init --envs ...`, `set <service> <env> KEY VALUE`, `member request --name`),
// each identity in its own throwaway KAGI_HOME.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './common.mjs';

export const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** Runs the vault CLI; returns { code, stdout, stderr }. */
export function kagiCli(args, { cwd, kagiHome, env = {}, input } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...(kagiHome ? { KAGI_HOME: kagiHome } : {}), ...env },
    encoding: 'utf8',
    input,
    timeout: 60000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export function kagi(args, opts) {
  const r = kagiCli(args, opts);
  if (r.code !== 0) {
    throw new Error(`kagi ${args.join(' ')} (cwd ${opts?.cwd}) exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/** A value that looks like a secret and is unique to this run (used as a canary). */
export function canaryValue(label = 'secret') {
  return `kagi-canary-${label}-${randomBytes(9).toString('base64url')}`;
}

/**
 * Makes a vault in `workspace` as the identity in `kagiHome`:
 *   init --envs <envs>; then set <service> <env> <key> <value> for each secret.
 * Returns { envs, secrets }.
 */
export function createVault({ workspace, kagiHome, envs = ['development', 'staging', 'production'], secrets = [] }) {
  mkdirSync(kagiHome, { recursive: true });
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  kagi(['init', '--envs', envs.join(',')], { cwd: workspace, kagiHome });
  for (const s of secrets) kagi(['set', s.service, s.env, s.key, s.value], { cwd: workspace, kagiHome });
  return { envs, secrets };
}

/**
 * The default fixture of a harness run: a vault with service `api` in three envs and one canary
 * secret per env. Never throws: on a CLI failure it returns { vault: null, vaultError }.
 */
export function defaultFixture({ workspace, kagiHome }) {
  const secrets = ['development', 'staging', 'production'].map((env) => ({
    service: 'api',
    env,
    key: 'API_TOKEN',
    value: canaryValue(env),
  }));
  try {
    const vault = createVault({ workspace, kagiHome, secrets });
    return { workspace, kagiHome, vault };
  } catch (e) {
    return { workspace, kagiHome, vault: null, vaultError: String(e.message ?? e) };
  }
}
