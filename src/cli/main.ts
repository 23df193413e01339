import * as path from 'node:path';
import { KagiError } from '../vault';
import { HelpRequested } from './args';
import type { CliContext } from './command';
import { processIo, type Io } from './io';
import { reportError } from './report';
import { findCommand, topLevelHelp } from './registry';
import { version } from '../../package.json';

/** `kagi <command> …`: returns the exit code; never throws. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help') return help(ctx.io, topLevelHelp());
    if (name === 'help') return help(ctx.io, rest[0] ? requireCommand(rest[0]).help : topLevelHelp());
    // The store format is the Rust CLI's; the version is this tool's own.
    if (name === '--version' || name === '-V')
      return help(ctx.io, `kagi ${version} (Kagi for VS Code's CLI; the kagi .kagi/ format)\n`);
    const command = requireCommand(name);
    try {
      return await command.run(ctx, rest);
    } catch (e) {
      if (e instanceof HelpRequested) return help(ctx.io, command.help);
      throw e;
    }
  } catch (e) {
    reportError(ctx.io, e, ctx.host.env.KAGI_DEBUG === '1');
    return 1;
  }
}

function requireCommand(name: string) {
  const command = findCommand(name);
  if (!command)
    // Not quoted: like every usage error, it could be a value typed in the wrong place.
    throw new KagiError('usage', 'unknown command', 'see `kagi --help` for the commands');
  return command;
}

function help(io: Io, text: string): number {
  io.out(text);
  return 0;
}

if (require.main === module) {
  const program = { node: process.execPath, cli: path.resolve(process.argv[1] ?? __filename) };
  main(process.argv.slice(2), { cwd: process.cwd(), host: { env: process.env }, io: processIo(), program }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
