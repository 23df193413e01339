// The independent implementations the interop suites check our vault against: Go `age` and
// libsodium through PyNaCl. Every interop suite asks this one module whether they are there, by
// running them (never by reading a log some machine happens to have).
//
// Rule: CI installs the peers (.ci/run), so in CI a peer that cannot be run is a FAILURE, never
// a skip — a skipped interop suite would turn green on exactly the machine that must prove
// byte compatibility. On a laptop without CI set a missing peer skips the suite, loudly: a
// notice at the skip and again when the run ends, and the suite's tests count as pending.
import { spawnSync } from 'node:child_process';

/** Debian's python3: python3-nacl installs PyNaCl for it, not for a pyenv or venv python. */
export const PYTHON = '/usr/bin/python3';

export interface Peer {
  name: string;
  /** The Debian package that provides it. */
  debian: string;
  command: string;
  args: string[];
}

export const GO_AGE: Peer = { name: 'Go age', debian: 'age', command: 'age', args: ['--version'] };
export const AGE_KEYGEN: Peer = { name: 'age-keygen', debian: 'age', command: 'age-keygen', args: ['--version'] };
export const LIBSODIUM: Peer = {
  name: 'libsodium (PyNaCl)',
  debian: 'python3-nacl',
  command: PYTHON,
  args: ['-c', 'import nacl.bindings'],
};

const found = new Map<Peer, string | undefined>();
const skipped = new Set<string>();

/** Why the peer cannot run (undefined when it runs). Asked once per peer and run. */
export function peerProblem(peer: Peer): string | undefined {
  if (!found.has(peer)) {
    const r = spawnSync(peer.command, peer.args, { encoding: 'utf8', timeout: 30_000 });
    const why = r.error
      ? `${peer.command}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`
      : r.status !== 0
        ? `\`${[peer.command, ...peer.args].join(' ')}\` exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop()}`
        : undefined;
    found.set(peer, why);
  }
  return found.get(peer);
}

/** CI as the usual runners and .ci/run set it; CI=false / CI=0 mean a laptop. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/**
 * Call in a suite's `before` hook (`before(function () { requirePeers(this, [GO_AGE]); })`).
 * All peers run: returns. One is missing: in CI throws (the hook fails, so the suite's tests
 * fail); elsewhere prints a notice and skips the suite (its tests are reported as pending).
 */
export function requirePeers(hook: Mocha.Context, peers: Peer[], env: NodeJS.ProcessEnv = process.env): void {
  const missing = peers.flatMap((p) => {
    const why = peerProblem(p);
    return why ? [`${p.name} (Debian package ${p.debian}): ${why}`] : [];
  });
  if (!missing.length) return;
  const suite = hook.test?.parent?.fullTitle() ?? 'an interop suite';
  const packages = [...new Set(peers.filter((p) => peerProblem(p)).map((p) => p.debian))].join(' ');
  if (inCI(env)) {
    throw new Error(
      `interop peer missing in CI: ${missing.join('; ')}. CI installs it (.ci/run), so not finding it is a ` +
        `failure, not a skip: apt-get install ${packages}`,
    );
  }
  const notice = `SKIPPED "${suite}": ${missing.join('; ')}. Install: sudo apt-get install ${packages}`;
  if (!skipped.size) process.once('exit', printSummary);
  skipped.add(notice);
  console.warn(banner(notice));
  hook.skip();
}

function banner(text: string): string {
  const line = '!'.repeat(78);
  return `\n${line}\n!! interop peer missing (not CI, so skipping; in CI this fails)\n!! ${text}\n${line}\n`;
}

function printSummary(): void {
  console.warn(banner([...skipped].join('\n!! ')));
}
