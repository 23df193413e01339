import {
  argumentGrammar,
  openVault,
  requireLocation,
  type GrammarContext,
  type Location,
  type Project,
} from '../vault';
import type { CliContext } from './command';

export interface OpenedProject {
  project: Project;
  location: Location;
  grammar: GrammarContext;
}

/**
 * Finds the vault for the working folder and the grammar for the command's positionals
 * (docs/format.md §8.5–8.6: `--service` wins over the service inferred from the folder).
 * Store-opening commands first finish an interrupted rotation (docs/format.md §7.6).
 */
export async function openProject(
  ctx: CliContext,
  serviceFlag: string | undefined,
  opts: { recover: boolean },
): Promise<OpenedProject> {
  const location = requireLocation(ctx.cwd);
  const project = openVault(location.root, ctx.host);
  if (opts.recover && (await project.recover())) ctx.io.err('kagi: finished an interrupted key rotation first\n');
  return { project, location, grammar: argumentGrammar(project, location, serviceFlag) };
}
