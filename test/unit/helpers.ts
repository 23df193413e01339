import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostEnv } from '../../src/vault/dataDir';

/** A fresh folder under the OS temp dir, removed after the current mocha suite. */
export function tempDir(prefix = 'kagi-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A device: its own KAGI_HOME, no key variables leaking in from the test runner. */
export function device(name = 'alice'): HostEnv & { home: string } {
  const home = tempDir(`kagi-home-${name}-`);
  return { home, env: { KAGI_HOME: home, USER: name } };
}

export function sha256Tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = require('node:crypto').createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
