// Task type `kagi`: runs a program with a scope's secrets in its environment, the way
// `kagi run` does, without a plaintext file and without the CLI.
//
// Execution is a CustomExecution whose Pseudoterminal spawns the program directly
// (child_process.spawn, no shell): arguments reach it verbatim and nothing re-parses them. A
// shell is used only when the task asks for it (`"shell": true`), or when `command` is a
// command line without `args` (it contains spaces or shell syntax, e.g. "npm run dev | tee x"),
// or on Windows for programs that are not .exe/.com (npm, yarn… are .cmd files, which Node
// can start only through cmd.exe). The environment is the extension host's plus the scope's
// secrets (secrets win). Values are decrypted when the task starts, never at provideTasks
// time, held in memory only, and never printed: the terminal shows the scope and a count.
//
// Caveat: a Pseudoterminal is not a real pty. The program sees pipes (isatty() is false), so
// colours may be off; typed input is echoed locally and sent to its stdin a line at a time
// (backspace edits the line); Ctrl-C sends SIGINT, Ctrl-D ends stdin. Closing the terminal kills the program.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { describeError, isKagiError, joinScope, mergeEnv, readWorkspaceText, servicesOf, splitScope } from '../vault';
import { needsShell, shellQuote } from './shellQuote';
import type { Ctx, VaultFolder } from './ctx';
import { loadScope, resolveCwd, scopeFor, vaultOrThrow } from './injection';
import { parseFilesProperty, type FileSession } from './processFileSessions';
import type { ProcessTrackers } from './processTrackers';

const TASK_TYPE = 'kagi';

export interface KagiTaskDefinition extends vscode.TaskDefinition {
  type: 'kagi';
  command: string;
  args?: string[];
  cwd?: string;
  service?: string;
  env?: string;
  shell?: boolean;
  /** file artifacts as paths: VARIABLE → file name (docs/injection.md) */
  files?: Record<string, string>;
}

export function registerTasks(ctx: Ctx, processes: ProcessTrackers): KagiTaskProvider {
  const provider = new KagiTaskProvider(ctx, processes);
  ctx.extension.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, provider));
  return provider;
}

export class KagiTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly ctx: Ctx,
    private readonly processes: ProcessTrackers,
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const out: vscode.Task[] = [];
    for (const v of this.ctx.vaults()) {
      try {
        out.push(...this.scriptTasks(v));
      } catch (e) {
        this.ctx.log.warn(`tasks: ${v.folder.name}: ${describeError(e)}`);
      }
    }
    return out;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as KagiTaskDefinition;
    if (def.type !== TASK_TYPE) return undefined;
    if (typeof def.command !== 'string' || def.command === '') {
      void this.ctx.prompter.error(vscode.l10n.t('Kagi: task "{0}" has no "command".', task.name));
      return undefined;
    }
    if (!this.ctx.requireTrust(vscode.l10n.t('Running task "{0}"', task.name))) return undefined;
    return this.makeTask(def, task.scope ?? vscode.TaskScope.Workspace, task.name);
  }

  makeTask(def: KagiTaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope, name: string): vscode.Task {
    const folder = typeof scope === 'object' ? scope : undefined;
    const execution = new vscode.CustomExecution(
      async (resolved) =>
        new KagiPty(this.ctx, resolved as KagiTaskDefinition, folder, name, {
          ...this.processes,
          rerun: () => vscode.tasks.executeTask(this.makeTask(def, scope, name)),
        }),
    );
    const task = new vscode.Task(def, scope, name, TASK_TYPE, execution, []);
    return task;
  }

  /** package.json scripts of the vault folder (root and one level down), one task each. */
  private scriptTasks(v: VaultFolder): vscode.Task[] {
    const root = v.folder.uri.fsPath;
    const dirs = [root];
    for (const e of safeReaddir(root)) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') dirs.push(path.join(root, e.name));
    }
    const env = this.ctx.activeEnv(v);
    const scopes = v.project.scopes();
    const services = servicesOf(scopes);
    const out: vscode.Task[] = [];
    for (const dir of dirs) {
      const scripts = readScripts(path.join(dir, 'package.json'));
      if (!scripts.length) continue;
      const pm = packageManager(dir, root);
      for (const service of this.servicesFor(v, dir, env, services, scopes)) {
        const scope = joinScope(service || undefined, env);
        for (const script of scripts) {
          const rel = path.relative(root, dir);
          const def: KagiTaskDefinition = {
            type: TASK_TYPE,
            command: pm,
            args: ['run', script],
            service,
            env,
            ...(rel ? { cwd: rel.split(path.sep).join('/') } : {}),
          };
          const where = rel ? ` (${rel})` : '';
          out.push(this.makeTask(def, v.folder, `${pm} run ${script}${where} — ${scope}`));
        }
      }
    }
    return out;
  }

  /** The service of the folder's scope: inferred or the only one; every service when unclear. */
  private servicesFor(v: VaultFolder, dir: string, env: string, services: string[], scopes: string[]): string[] {
    try {
      return [splitScope(scopeFor(this.ctx, v, { env }, dir, 'tasks')).service ?? ''];
    } catch {
      return services.filter((s) => scopes.includes(joinScope(s, env)));
    }
  }
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A package.json of a monorepo is a few KB; a link to /dev/zero or a huge file is not one. */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

function readScripts(file: string): string[] {
  try {
    const pkg = JSON.parse(readWorkspaceText(file, MAX_PACKAGE_JSON_BYTES) ?? '{}') as {
      scripts?: Record<string, unknown>;
    };
    return pkg.scripts && typeof pkg.scripts === 'object'
      ? Object.keys(pkg.scripts).filter((k) => typeof pkg.scripts![k] === 'string')
      : [];
  } catch {
    return [];
  }
}

function packageManager(dir: string, root: string): string {
  for (const d of dir === root ? [dir] : [dir, root]) {
    if (fs.existsSync(path.join(d, 'pnpm-lock.yaml'))) return 'pnpm';
    if (fs.existsSync(path.join(d, 'yarn.lock'))) return 'yarn';
    if (fs.existsSync(path.join(d, 'bun.lockb')) || fs.existsSync(path.join(d, 'bun.lock'))) return 'bun';
  }
  return 'npm';
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

class KagiPty implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.write.event;
  readonly onDidClose = this.closed.event;
  private child?: ChildProcess;
  private done = false;
  private killTimer?: NodeJS.Timeout;
  private line = '';
  private files?: FileSession;
  private tracked?: vscode.Disposable;

  constructor(
    private readonly ctx: Ctx,
    private readonly def: KagiTaskDefinition,
    private readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly name: string,
    private readonly running: ProcessTrackers & { rerun: () => Thenable<unknown> },
  ) {}

  open(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    const action = vscode.l10n.t('Running task "{0}"', this.name);
    try {
      if (!this.ctx.requireTrust(action))
        return this.finish(1, 'kagi: refused in Restricted Mode. Trust this workspace to run tasks with secrets.');
      if (typeof this.def.command !== 'string' || !this.def.command)
        return this.finish(1, 'kagi: the task has no "command".');
      const cwd = resolveCwd(this.folder, this.def.cwd) ?? this.ctx.vaultFor()?.folder.uri.fsPath;
      const v = vaultOrThrow(this.ctx, this.folder?.uri ?? (cwd ? vscode.Uri.file(cwd) : undefined));
      const { scope, secrets } = await loadScope(
        this.ctx,
        v,
        { service: this.def.service, env: this.def.env },
        cwd,
        action,
        `Task "${this.name}"`,
      );
      if (this.done) return;
      // Tracked by the scope's values alone (file paths change every run).
      this.tracked = this.running.stale.track(
        { vault: v, scope, label: vscode.l10n.t('task "{0}"', this.name), restart: () => this.restart() },
        { ...secrets },
      );
      const wanted = parseFilesProperty(this.def.files);
      if (wanted) {
        this.files = await this.running.fileSessions.start(v, scope, wanted, cwd ?? v.project.root);
        Object.assign(secrets, this.files.env);
        if (this.done) return this.files.dispose();
      }
      const args = Array.isArray(this.def.args) ? this.def.args.map(String) : undefined;
      const shell = needsShell({ command: this.def.command, args, shell: this.def.shell });
      const shown = [this.def.command, ...(args ?? [])].join(' ');
      this.write.fire(
        crlf(`kagi: ${scope} (${Object.keys(secrets).length} secret(s) in the environment) — ${shown}\n\n`),
      );
      const child = shell
        ? spawn(
            args === undefined
              ? this.def.command
              : [shellQuote(this.def.command), ...args.map((a) => shellQuote(a))].join(' '),
            [],
            { cwd, env: mergeEnv(process.env, secrets), shell: true },
          )
        : spawn(this.def.command, args ?? [], { cwd, env: mergeEnv(process.env, secrets), shell: false });
      this.child = child;
      for (const stream of [child.stdout, child.stderr]) {
        const decoder = new StringDecoder('utf8');
        stream?.on('data', (b: Buffer) => this.write.fire(crlf(decoder.write(b))));
        stream?.on('end', () => {
          const rest = decoder.end();
          if (rest) this.write.fire(crlf(rest));
        });
      }
      child.stdin?.on('error', () => {});
      child.once('error', (e: NodeJS.ErrnoException) => {
        const notFound = e.code === 'ENOENT';
        const why = `${e.code ?? e.name}${notFound ? ': not found on PATH' : ''}`;
        this.finish(notFound ? 127 : 1, `kagi: could not start ${this.def.command} (${why})`);
      });
      child.once('close', (code, signal) => {
        const exit = code ?? 128 + (signal ? signalNumber(signal) : 0);
        this.finish(exit, `\nkagi: ${this.def.command} exited with ${code ?? signal}`);
      });
    } catch (e) {
      const msg = describeError(e);
      this.ctx.log.warn(`${action}: ${msg}`);
      if (isKagiError(e)) void this.ctx.prompter.error(vscode.l10n.t('Kagi: {0}', msg));
      this.finish(1, `kagi: ${msg}`);
    }
  }

  /** Stale values: stop this run and start the same task again (it loads the scope afresh). */
  private async restart(): Promise<void> {
    const child = this.child;
    this.finish(1, 'kagi: restarting with the new values');
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await this.running.rerun();
  }

  private finish(code: number, message?: string): void {
    // The program has ended (or never started): its file paths go now.
    this.files?.dispose();
    this.tracked?.dispose();
    if (this.done) return;
    this.done = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (message) this.write.fire(crlf(`${message}\n`));
    this.closed.fire(code);
  }

  handleInput(data: string): void {
    const child = this.child;
    if (!child || this.done) return;
    if (data === '\x03') {
      child.kill('SIGINT');
      return;
    }
    if (data === '\x04') {
      if (this.line) child.stdin?.write(this.line);
      this.line = '';
      child.stdin?.end();
      return;
    }
    // No pty: emulate a cooked line discipline (echo, backspace, send on Enter).
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        this.write.fire('\r\n');
        if (child.stdin?.writable) child.stdin.write(`${this.line}\n`);
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line) {
          this.line = this.line.slice(0, -1);
          this.write.fire('\b \b');
        }
      } else if (ch >= ' ') {
        this.line += ch;
        this.write.fire(ch);
      }
    }
  }

  close(): void {
    const child = this.child;
    this.tracked?.dispose();
    this.done = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.files?.dispose();
      return;
    }
    child.kill('SIGTERM');
    this.killTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 3000);
    this.killTimer.unref?.();
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const n = (os.constants.signals as Record<string, number | undefined>)[signal];
  return typeof n === 'number' ? n : 0;
}
