// How a `kagi` task starts its program: directly unless it needs a shell, and quoting for the
// shell spawn() uses. Editor-only (the CLI's `run` never uses a shell). Pure, unit-tested in Node.
const SHELL_SYNTAX = /[\s|&;<>()$`\\"'*?[\]#~=%!{}]/;

/** Whether a task needs a shell: `shell` when given; else a command line without `args`
 * (spaces or shell syntax); else on Windows anything but .exe/.com (.cmd/.bat need cmd.exe). */
export function needsShell(
  def: { command: string; args?: string[]; shell?: boolean },
  platform = process.platform,
): boolean {
  if (typeof def.shell === 'boolean') return def.shell;
  if (def.args === undefined && SHELL_SYNTAX.test(def.command)) return true;
  if (platform === 'win32' && !/\.(exe|com)$/i.test(def.command)) return true;
  return false;
}

/**
 * Quotes an argument for the shell spawn() uses: sh -c on POSIX (exact); cmd.exe on Windows:
 * double quotes, a `"` inside doubled to `""`. cmd does not honour `\"`: it toggles its quote
 * state there, so `& calc` after it would run as a command; `""` toggles twice and stays
 * quoted, and the program's C runtime reads `""` inside quotes as one `"`. Backslashes before
 * a quote or at the end are doubled, as the C runtime halves them there. cmd may still expand
 * %VAR% in an argument: use "shell": false with an .exe for arguments that must pass untouched.
 */
export function shellQuote(arg: string, platform = process.platform): string {
  if (platform === 'win32')
    return /^[\w@+=:,./\\-]+$/.test(arg) ? arg : `"${arg.replace(/(\\*)"/g, '$1$1""').replace(/(\\+)$/, '$1$1')}"`;
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
