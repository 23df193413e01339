// The service a working folder implies (spec §7.4: monorepo mappings, nested services), via
// the vault's inference. Only folders inside this vault's root count.
import * as path from 'node:path';
import { locate } from '../vault/inference';

export function inferService(root: string, cwd: string): string | undefined {
  const loc = locate(cwd);
  if (!loc || path.resolve(loc.root) !== path.resolve(root)) return undefined;
  return loc.service;
}
