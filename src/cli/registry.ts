import type { Command } from './command';
import { compareCommand } from './commands/compare';
import { doctorCommand } from './commands/doctor';
import { envCommand } from './commands/env';
import { exportCommand } from './commands/export';
import { fileCommand } from './commands/file';
import { getCommand } from './commands/get';
import { gitCommand } from './commands/git';
import { importCommand } from './commands/import';
import { initCommand } from './commands/init';
import { logCommand } from './commands/log';
import { memberCommand } from './commands/member';
import { runCommand } from './commands/run';
import { scopeCommand } from './commands/scope';
import { scanCommand } from './commands/scan';
import { setCommand } from './commands/set';
import { statusCommand } from './commands/status';
import { syncCommand } from './commands/sync';
import { unsetCommand } from './commands/unset';

const COMMANDS: Command[] = [
  initCommand,
  statusCommand,
  setCommand,
  getCommand,
  unsetCommand,
  runCommand,
  importCommand,
  exportCommand,
  syncCommand,
  envCommand,
  fileCommand,
  scopeCommand,
  memberCommand,
  doctorCommand,
  gitCommand,
  logCommand,
  scanCommand,
  compareCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: kagi <command> [options]

An encrypted team vault in .kagi/, compatible with the kagi CLI (BANG88/kagi).

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`kagi <command> --help\` for its options, \`kagi --version\` for the version. Environment: KAGI_HOME (device
data folder), KAGI_PROJECT_KEY / KAGI_PROJECT_KEY_FILE (64-hex project key,
e.g. in CI; an invalid value is an error), KAGI_DEBUG=1 (stack traces of
unexpected errors), KAGI_NO_CODE_CACHE=1 (no V8 code cache in ~/.cache/kagi).
`;
}
