import { type HostEnv } from '../vault';
import type { Io } from './io';

/** What a command may use: the working folder, the environment and the terminal. */
export interface CliContext {
  cwd: string;
  host: HostEnv;
  io: Io;
  /** the argv that starts this kagi (node, script), for what must run it again: the scan hook */
  self?: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** full `--help` text */
  help: string;
  /** returns the process exit code */
  run(ctx: CliContext, args: string[]): Promise<number>;
}
