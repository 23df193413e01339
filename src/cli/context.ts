import { KagiError } from '../vault/errors';
import { grammarContext, type GrammarContext } from '../vault/grammar';
import { locate, type Location } from '../vault/inference';
import { Project } from '../vault/project';
import { validateName } from '../vault/scopes';
import type { CliContext } from './command';

export interface OpenedProject {
  project: Project;
  location: Location;
  grammar: GrammarContext;
}

/**
 * Finds the vault for the working folder (docs/format.md §8.5) and the service the command
 * applies to: `--service` wins over the one inferred from the folder.
 * Store-opening commands first finish an interrupted rotation (docs/format.md §7.6).
 */
export async function openProject(
  ctx: CliContext,
  serviceFlag: string | undefined,
  opts: { recover: boolean },
): Promise<OpenedProject> {
  if (serviceFlag !== undefined) validateName(serviceFlag, 'service');
  const location = requireLocation(ctx);
  const project = Project.open(location.root, ctx.host);
  if (opts.recover && (await project.recover())) ctx.io.err('kagi: finished an interrupted key rotation first\n');
  const service = serviceFlag ?? location.service;
  const inferred = serviceFlag === undefined && location.service !== undefined;
  return { project, location, grammar: grammarContext(project.config(), service, inferred) };
}

export function requireLocation(ctx: CliContext): Location {
  const location = locate(ctx.cwd);
  if (!location) {
    throw new KagiError(
      'not-a-project',
      `no kagi vault in ${ctx.cwd} or any folder above it`,
      'run `kagi init` in your project root, or cd into a project that has a .kagi/ folder',
    );
  }
  return location;
}
