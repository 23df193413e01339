import { spawn } from 'node:child_process';
import {
  approveDangerous,
  dangerousWarning,
  KagiError,
  materializeFiles,
  mergeEnv,
  parseFileRequest,
  readScopeEnv,
  resolveRunTarget,
  unapprovedDangerous,
  type Project,
  type SecretEnv,
} from '../../vault';
import { HelpRequested, usage } from '../args';
import type { CliContext, Command } from '../command';
import { askYesNo } from '../confirm';
import { openProject } from '../context';

export const runCommand: Command = {
  name: 'run',
  summary: "run a program with a scope's secrets in its environment",
  help: `Usage: kagi run [--service S] [--file VAR=NAME]… [service] [env] [--] PROGRAM [ARGS…]

Starts PROGRAM directly (no shell; looked up on PATH; arguments verbatim) with
this process's environment plus the scope's secrets, each overriding a variable
of the same name. The exit code of PROGRAM is kagi's; a signal or a failure to
start gives 1. For shell syntax use: kagi run api sh -c '…'.

Scope (docs/format.md §8.6): kagi run api production node app.js → api/production;
kagi run api node app.js → api/<default env>. Options are read only before the
first positional, so everything from PROGRAM on is passed through untouched;
a -- after PROGRAM is passed to it too.
When no scope matches, PROGRAM runs without secrets after a notice on stderr.

Keys that change how programs start (PATH, LD_*, DYLD_*, NODE_OPTIONS, BASH_ENV,
PYTHONPATH, JAVA_TOOL_OPTIONS, …) are injected without a question only when this
device wrote or approved that value; otherwise kagi asks on a terminal, and
anywhere else refuses unless each is named with --allow-dangerous.

Options:
  --service S               the service (overrides the one inferred from the folder)
  --file VAR=NAME           an encrypted file of the scope (see \`kagi file\`) as a path in
                            VAR: written 0600 into a private folder (memory-backed where
                            the OS has one) and removed when PROGRAM exits; repeatable
  --allow-dangerous NAME    inject NAME although this device did not write it
                            (repeat, or NAME,NAME; approves that value for next time)
`,
  async run(ctx, args) {
    const { service, files, allowed, rest } = leadingOptions(args);
    const { project, grammar } = await openProject(ctx, service, { recover: true });
    const target = resolveRunTarget(grammar, rest);
    if (target.scope === undefined && Object.keys(files).length > 0) {
      throw new KagiError(
        'scope-not-found',
        `--file needs a scope: ${target.notice ?? 'no scope matches these arguments'}`,
        'name the scope before the program, e.g. `kagi run --file VAR=NAME api production -- node app.js`',
      );
    }
    if (target.notice) ctx.io.err(`kagi: ${target.notice}\n`);
    const secrets = target.scope === undefined ? {} : await readScopeEnv(project, target.scope);
    if (target.scope !== undefined) await checkDangerous(ctx, project, target.scope, secrets, allowed);
    if (target.scope === undefined || Object.keys(files).length === 0) {
      return spawnPassingThrough(target.argv, mergeEnv(ctx.host.env, secrets), ctx.cwd);
    }
    const paths = await materializeFiles(project, target.scope, files, ctx.cwd);
    try {
      return await spawnPassingThrough(target.argv, mergeEnv(ctx.host.env, { ...secrets, ...paths.env }), ctx.cwd);
    } finally {
      paths.dispose();
    }
  },
};

/**
 * Dangerous names this device did not write or approve: named on the command line, or a yes on
 * a terminal, approves them (and records it); otherwise nothing runs.
 */
async function checkDangerous(
  ctx: CliContext,
  project: Project,
  scope: string,
  secrets: SecretEnv,
  allowed: Set<string>,
): Promise<void> {
  const risky = await unapprovedDangerous(project, scope, secrets);
  if (risky.length === 0) return;
  const unasked = risky.filter((n) => !allowed.has(n));
  if (unasked.length > 0) {
    const warning = `${dangerousWarning(unasked, scope)}, and this device did not write ${unasked.length === 1 ? 'this value' : 'these values'}`;
    if (!ctx.io.interactive) {
      throw new KagiError(
        'usage',
        `refusing to inject ${unasked.join(', ')}: ${warning}`,
        `check the values with \`kagi get ${scope} --show\`; if they are right, rerun with ${unasked.map((n) => `--allow-dangerous ${n}`).join(' ')}`,
      );
    }
    ctx.io.err(`kagi: warning: ${warning}\n`);
    if (!(await askYesNo(ctx.io, `Inject ${unasked.join(', ')} into the program?`)))
      throw new KagiError(
        'usage',
        'cancelled: the program was not started',
        `check the values with \`kagi get ${scope} --show\``,
      );
  }
  await approveDangerous(project, scope, Object.fromEntries(risky.map((n) => [n, secrets[n]!])));
}

/** Only `--service S`, `--file VAR=NAME`, `--allow-dangerous NAME` and `--help` before the first positional; the program's own flags stay its own. */
function leadingOptions(args: string[]): {
  service?: string;
  files: Record<string, string>;
  allowed: Set<string>;
  rest: string[];
} {
  let service: string | undefined;
  const allowed = new Set<string>();
  const files: Record<string, string> = {};
  const addFile = (text: string | undefined) => {
    if (text === undefined) throw usage('run', 'option --file needs VAR=NAME');
    const [variable, selector] = parseFileRequest(text);
    if (Object.hasOwn(files, variable)) throw usage('run', `--file ${variable} is given twice`);
    files[variable] = selector;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') throw new HelpRequested();
    if (a === '--file') addFile(args[++i]);
    else if (a.startsWith('--file=')) addFile(a.slice('--file='.length));
    else if (a === '--allow-dangerous' || a.startsWith('--allow-dangerous=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw usage('run', 'option --allow-dangerous needs a NAME');
      v.split(',')
        .filter((n) => n !== '')
        .forEach((n) => allowed.add(n));
    } else if (a === '--service') {
      service = args[++i];
      if (service === undefined) throw usage('run', 'option --service needs a value');
    } else if (a.startsWith('--service=')) {
      service = a.slice('--service='.length);
    } else if (a.startsWith('-') && a !== '-') {
      throw usage('run', 'unknown option before the program (put options of the program after it)');
    } else break;
  }
  return { service, files, allowed, rest: args.slice(i) };
}

function spawnPassingThrough(argv: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const [program, ...programArgs] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, programArgs, { stdio: 'inherit', env, cwd, shell: false });
    // Ctrl-C reaches the child from the terminal itself; kagi just outlives it.
    // Signals sent to kagi alone (kill, a supervisor) are passed on.
    const forward = (sig: NodeJS.Signals) => () => void child.kill(sig);
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGINT', () => {}],
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
    ];
    handlers.forEach(([sig, h]) => process.on(sig, h));
    const cleanup = () => handlers.forEach(([sig, h]) => process.off(sig, h));
    child.once('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      reject(spawnError(program, e));
    });
    child.once('exit', (code) => {
      cleanup();
      resolve(code ?? 1);
    });
  });
}

function spawnError(program: string, e: NodeJS.ErrnoException): KagiError {
  if (e.code === 'ENOENT') {
    return new KagiError(
      'usage',
      `could not start ${program}: no such program on PATH`,
      "check the spelling, or give its full path; for shell built-ins use `kagi run … sh -c '…'`",
    );
  }
  if (e.code === 'EACCES')
    return new KagiError('usage', `could not start ${program}: permission denied`, 'make it executable (chmod +x)');
  return new KagiError('io', `could not start ${program} (${e.code ?? 'unknown error'})`);
}
