import { type HostEnv } from '../vault';
import type { Io } from './io';

/** What a command may use: the working folder, the environment and the terminal. */
export interface CliContext {
  cwd: string;
  host: HostEnv;
  io: Io;
  /** this program's runtime and script, for the launcher Git's drivers run (`kagi git setup`) */
  program?: { node: string; cli: string };
}

export interface Command {
  name: string;
  summary: string;
  /** full `--help` text */
  help: string;
  /** returns the process exit code */
  run(ctx: CliContext, args: string[]): Promise<number>;
}
