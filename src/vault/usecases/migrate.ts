// `init`'s migration: importing the .env files discovery found, and remembering monorepo mappings.
import * as path from 'node:path';
import type { Monorepo } from '../format/projectConfig';
import type { Project } from '../project/project';
import type { DiscoveredEnvFile } from '../dotenv/discovery';
import { parseDotenv, type DotenvEntry } from '../dotenv/parse';
import { applyImport, planImport } from './dotenv';

/** A template's entries the scope does not have yet (templates never overwrite). */
async function missingOnly(project: Project, scope: string, entries: DotenvEntry[]): Promise<DotenvEntry[]> {
  const { added } = await planImport(project, scope, entries);
  return entries.filter((e) => added.includes(e.key));
}

/** Records what discovery mapped, so later runs in `apps/api` infer `apps-api`. */
export async function recordMonorepo(project: Project, monorepo: Monorepo): Promise<void> {
  await project.mutate(async (tx) => {
    tx.editConfig().settings.monorepo = monorepo;
  });
}

export interface MigrationResult {
  scope: string;
  file: string;
  added: string[];
  overwritten: string[];
}

/**
 * Imports what discovery found: real `.env*` files first (a later file wins within a
 * scope), then templates, which only fill keys no file set. `read` decodes a file
 * (the caller's policy: strict UTF-8, size cap).
 */
export async function importDiscovered(
  project: Project,
  files: DiscoveredEnvFile[],
  read: (file: string) => string,
): Promise<MigrationResult[]> {
  const ordered = [...files.filter((f) => !f.template), ...files.filter((f) => f.template)];
  const results: MigrationResult[] = [];
  for (const f of ordered) {
    const entries = parseDotenv(read(f.file), path.basename(f.file));
    const applied = await applyImport(
      project,
      { scope: f.scope, entries: f.template ? await missingOnly(project, f.scope, entries) : entries },
      { overwrite: !f.template },
    );
    results.push({ scope: f.scope, file: f.file, added: applied.added, overwritten: applied.overwritten });
  }
  return results;
}
