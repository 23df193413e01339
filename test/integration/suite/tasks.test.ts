// Task type `kagi` in a real extension host: tasks.json entries resolved by our provider,
// executed through vscode.tasks.executeTask; the child writes hashes of its environment.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceFolder } from '../helpers';
import {
  api,
  fixtureToken,
  folder,
  HASH_ENV_JS,
  outFile,
  readJsonWhenWritten,
  services,
  sha256,
} from './injectHelpers';

/**
 * Executes a task and resolves with its exit code once BOTH end events have arrived:
 * onDidEndTaskProcess carries the code and may come before or after onDidEndTask, so neither
 * alone means the code is known. Rejects naming the event that never came.
 */
async function run(task: vscode.Task, timeoutMs = 30000): Promise<number | undefined> {
  const subs: vscode.Disposable[] = [];
  const mine = (e: { execution: vscode.TaskExecution }) => e.execution.task.name === task.name;
  const seen = { onDidEndTaskProcess: false, onDidEndTask: false };
  const processEnd = new Promise<number | undefined>((resolve) =>
    subs.push(
      vscode.tasks.onDidEndTaskProcess((e) => {
        if (!mine(e)) return;
        seen.onDidEndTaskProcess = true;
        resolve(e.exitCode);
      }),
    ),
  );
  const taskEnd = new Promise<void>((resolve) =>
    subs.push(
      vscode.tasks.onDidEndTask((e) => {
        if (!mine(e)) return;
        seen.onDidEndTask = true;
        resolve();
      }),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const missing = Object.entries(seen).flatMap(([event, arrived]) => (arrived ? [] : [event]));
      reject(new Error(`task "${task.name}": no ${missing.join(' and no ')} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await vscode.tasks.executeTask(task);
    const [exitCode] = await Promise.race([Promise.all([processEnd, taskEnd]), timeout]);
    return exitCode;
  } finally {
    clearTimeout(timer);
    subs.forEach((s) => s.dispose());
  }
}

async function kagiTask(label: string): Promise<vscode.Task> {
  const task = await waitFor(
    async () => (await vscode.tasks.fetchTasks({ type: 'kagi' })).find((t) => t.name === label),
    { timeoutMs: 15000, what: `task "${label}"` },
  );
  return task!;
}

describe('kagi tasks', function () {
  this.timeout(90000);
  const out = { prod: '', active: '', apiActive: '', missing: '', npm: '', input: '', pid: '' };
  let tasksJson = '';

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    fixtureToken('production');
    await api();
    out.prod = outFile('task-prod');
    out.active = outFile('task-active');
    out.apiActive = outFile('task-api-active');
    out.missing = outFile('task-missing');
    out.npm = outFile('task-npm');
    out.input = outFile('task-input');
    out.pid = outFile('task-pid');
    const readLine = `let b='';process.stdin.on('data',d=>{b+=d;if(b.includes('\\n')){require('fs').writeFileSync(process.argv[1],JSON.stringify({line:require('crypto').createHash('sha256').update(b.split('\\n')[0]).digest('hex')}));process.exit(0)}})`;
    const sleepy = `require('fs').writeFileSync(process.argv[1],JSON.stringify({pid:process.pid}));setInterval(()=>{},1000)`;
    const names = JSON.stringify(['API_TOKEN', 'KAGI_IT_NOT_A_SECRET']);
    const node = (file: string) => ['-e', HASH_ENV_JS, names, file];
    tasksJson = path.join(workspaceFolder()!, '.vscode', 'tasks.json');
    fs.mkdirSync(path.dirname(tasksJson), { recursive: true });
    fs.writeFileSync(
      tasksJson,
      JSON.stringify(
        {
          version: '2.0.0',
          tasks: [
            {
              label: 'kagi-it: hash production',
              type: 'kagi',
              command: 'node',
              args: node(out.prod),
              service: 'api',
              env: 'production',
            },
            { label: 'kagi-it: hash active', type: 'kagi', command: 'node', args: node(out.active) },
            {
              label: 'kagi-it: hash api, active env',
              type: 'kagi',
              command: 'node',
              args: node(out.apiActive),
              service: 'api',
            },
            {
              label: 'kagi-it: exit 3',
              type: 'kagi',
              command: 'node',
              args: ['-e', 'process.exit(3)'],
              service: 'api',
              env: 'production',
            },
            {
              label: 'kagi-it: read a line',
              type: 'kagi',
              command: 'node',
              args: ['-e', readLine, out.input],
              service: 'api',
              env: 'production',
            },
            {
              label: 'kagi-it: runs until stopped',
              type: 'kagi',
              command: 'node',
              args: ['-e', sleepy, out.pid],
              service: 'api',
              env: 'production',
            },
            {
              label: 'kagi-it: missing scope',
              type: 'kagi',
              command: 'node',
              args: node(out.missing),
              service: 'api',
              env: 'no-such-env',
            },
          ],
        },
        null,
        2,
      ),
    );
    fs.mkdirSync(path.join(workspaceFolder()!, '.kagi-it'), { recursive: true });
    fs.writeFileSync(path.join(workspaceFolder()!, '.kagi-it', 'hash.js'), HASH_ENV_JS);
    fs.writeFileSync(
      path.join(workspaceFolder()!, 'package.json'),
      JSON.stringify(
        {
          name: 'kagi-it-workspace',
          private: true,
          scripts: { 'kagi-it-hash': `node .kagi-it/hash.js '${names}' '${out.npm}'` },
        },
        null,
        2,
      ),
    );
  });

  after(() => {
    if (!workspaceFolder()) return;
    if (tasksJson) fs.rmSync(tasksJson, { force: true });
    fs.rmSync(path.join(workspaceFolder()!, 'package.json'), { force: true });
  });

  it("runs a tasks.json kagi task with the scope's secret in its environment (hash matches), exit code 0", async function () {
    const token = fixtureToken('production');
    const exitCode = await run(await kagiTask('kagi-it: hash production'));
    const hashes = await readJsonWhenWritten<Record<string, string>>(out.prod);
    assert.equal(hashes.API_TOKEN, sha256(token), 'API_TOKEN in the task is not the api/production secret');
    assert.equal(hashes.KAGI_IT_NOT_A_SECRET, '(unset)');
    assert.equal(exitCode, 0);
  });

  it("uses the folder's active scope when the task names none (the only service), and refuses to guess among several", async function () {
    const ctx = await api();
    const v = ctx.vaults()[0]!;
    const token = fixtureToken(ctx.activeEnv(v));
    const exitCode = await run(await kagiTask('kagi-it: hash active'));
    if ((await services()).length === 1) {
      const hashes = await readJsonWhenWritten<Record<string, string>>(out.active);
      assert.equal(hashes.API_TOKEN, sha256(token), `API_TOKEN is not the api/${ctx.activeEnv(v)} secret`);
      assert.equal(exitCode, 0);
    } else {
      assert.equal(fs.existsSync(out.active), false, 'ran with a guessed service');
      assert.equal(exitCode, 1);
    }
  });

  it('a task naming only the service gets the active environment', async function () {
    const ctx = await api();
    const token = fixtureToken(ctx.activeEnv(ctx.vaults()[0]!));
    const exitCode = await run(await kagiTask('kagi-it: hash api, active env'));
    const hashes = await readJsonWhenWritten<Record<string, string>>(out.apiActive);
    assert.equal(hashes.API_TOKEN, sha256(token));
    assert.equal(exitCode, 0);
  });

  it('propagates the exit code of the program', async () => {
    assert.equal(await run(await kagiTask('kagi-it: exit 3')), 3);
  });

  it('fails (exit 1, program never started) when the scope does not exist', async () => {
    assert.equal(await run(await kagiTask('kagi-it: missing scope')), 1);
    assert.equal(fs.existsSync(out.missing), false, 'the program ran although its scope does not exist');
  });

  it("forwards typed input to the program's stdin", async () => {
    const task = await kagiTask('kagi-it: read a line');
    const ended = run(task);
    const terminal = await waitFor(() => vscode.window.terminals.find((t) => t.name.includes('kagi-it: read a line')), {
      timeoutMs: 10000,
      what: 'the task terminal',
    });
    await new Promise((r) => setTimeout(r, 1000));
    terminal!.sendText('typed-line', true);
    const exitCode = await ended;
    const got = await readJsonWhenWritten<{ line: string }>(out.input);
    assert.equal(got.line, sha256('typed-line'));
    assert.equal(exitCode, 0);
  });

  it('terminating the task kills the program', async () => {
    const task = await kagiTask('kagi-it: runs until stopped');
    const ended = run(task);
    const { pid } = await readJsonWhenWritten<{ pid: number }>(out.pid);
    const execution = vscode.tasks.taskExecutions.find((e) => e.task.name === task.name);
    assert.ok(execution, 'no running execution');
    execution.terminate();
    await ended;
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 8000, what: `process ${pid} to exit` },
    );
  });

  it('offers package.json scripts as kagi tasks labelled with their scope, and runs them', async function () {
    const ctx = await api();
    const env = ctx.activeEnv(ctx.vaults()[0]!);
    const token = fixtureToken(env);
    const label = `npm run kagi-it-hash — api/${env}`;
    const task = await kagiTask(label);
    assert.equal((task.definition as { service?: string }).service, 'api');
    const exitCode = await run(task, 60000);
    const hashes = await readJsonWhenWritten<Record<string, string>>(out.npm);
    assert.equal(hashes.API_TOKEN, sha256(token));
    assert.equal(exitCode, 0);
  });

  it('never writes a secret value into tasks.json or the workspace', async function () {
    const token = fixtureToken('production');
    const files = [tasksJson, out.prod, out.active, out.npm].filter((f) => fs.existsSync(f));
    for (const f of files)
      assert.equal(fs.readFileSync(f, 'utf8').includes(token), false, `${path.basename(f)} contains the secret`);
    void folder;
  });
});

describe('kagi tasks in Restricted Mode', () => {
  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  // Asked of our provider directly: in Restricted Mode VS Code's own fetchTasks waits on a
  // workspace-trust request before it asks any provider.
  it('offers no tasks, even for package.json scripts', async () => {
    const pkg = path.join(workspaceFolder()!, 'package.json');
    fs.writeFileSync(pkg, JSON.stringify({ name: 'kagi-it', private: true, scripts: { 'kagi-it-hash': 'node -v' } }));
    try {
      const provider = (await api()).tasks;
      assert.ok(provider, 'the extension exposes its task provider');
      assert.deepEqual(await provider.provideTasks(), []);
    } finally {
      fs.rmSync(pkg, { force: true });
    }
  });
});
