// The service a working folder implies. Delegates to the vault's inference (spec §7.4) once
// src/vault/inference.ts is available; until then: the first folder below the vault root, e.g.
// <root>/api/src → "api" (resolveScope only uses it when the vault has that service).
import * as path from 'node:path';

export function inferService(root: string, cwd: string): string | undefined {
  const rel = path.relative(root, cwd);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(/[\\/]/)[0] || undefined;
}
