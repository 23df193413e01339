// Shared by tasks/debug/terminals integration tests (not a test file itself: no `.test.ts`).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, registerCanary, waitFor, workspaceFolder } from '../helpers';
import { kagiApi } from '../scriptedPrompter';
import type { KagiApi } from '../../../src/extension/api';

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function api(): Promise<KagiApi> {
  return kagiApi();
}

/** The fixture's canary value of api/<env> (API_TOKEN); throws when the fixture has no vault. */
export function fixtureToken(env: string): string {
  const f = fixture();
  const s = f.vault?.secrets.find((x) => x.service === 'api' && x.env === env && x.key === 'API_TOKEN');
  // A fixture that failed to build is a failure of the run, not a reason to skip its tests.
  if (!s) throw new Error(`the fixture vault has no api/${env} API_TOKEN: ${f.vaultError ?? 'not set by the harness'}`);
  registerCanary(s.value);
  return s.value;
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder');
  return f;
}

/** A fresh output file path inside the workspace (.kagi-it/ is ours). */
export function outFile(name: string): string {
  const dir = path.join(workspaceFolder()!, '.kagi-it');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${randomBytes(4).toString('hex')}.json`);
  return file;
}

export async function readJsonWhenWritten<T>(file: string, timeoutMs = 20000): Promise<T> {
  await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0, {
    timeoutMs,
    what: `${path.basename(file)} to be written`,
  });
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * A node program: `node -e HASH_ENV_JS '["A","B"]' out.json` (or `node file.js '[...]' out.json`)
 * writes {NAME: sha256(value) | "(unset)"} to out.json. Values never leave the process in clear.
 */
export const HASH_ENV_JS = `
const crypto = require('crypto'); const fs = require('fs');
const out = process.argv[process.argv.length - 1];
const names = JSON.parse(process.argv[process.argv.length - 2]);
const r = {};
for (const n of names) r[n] = process.env[n] === undefined ? '(unset)' : crypto.createHash('sha256').update(process.env[n], 'utf8').digest('hex');
fs.writeFileSync(out, JSON.stringify(r));
`;

/** The services of the fixture vault now (other suites may have added some). */
export async function services(): Promise<string[]> {
  const ctx = await api();
  return [
    ...new Set(
      ctx
        .vaults()[0]!
        .project.scopes()
        .filter((s) => s.includes('/'))
        .map((s) => s.split('/')[0]!),
    ),
  ];
}
