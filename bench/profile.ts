// `node --import tsx bench/profile.ts <open_list|tree|rotate>`: where the time goes (self time, top frames).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { makeVault, tempDir } from './fixtures';
import { openAndList } from './cases/openList';
import { treeModel } from './cases/tree';
import { addMembers } from './cases/rotate';
import { Project, removeMember } from '../src/vault';

async function profile(
  label: string,
  runs: number,
  fn: () => Promise<unknown>,
  before: () => unknown = () => {},
): Promise<void> {
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.start');
  let wall = 0;
  for (let i = 0; i < runs; i++) {
    before();
    const t = process.hrtime.bigint();
    await fn();
    wall += Number(process.hrtime.bigint() - t) / 1e6;
  }
  const { profile: p } = await s.post('Profiler.stop');
  const self = new Map<string, number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  p.samples!.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const k = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + p.timeDeltas![i]!);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${label}: ${(wall / runs).toFixed(1)} ms per run (profiled)`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

(async () => {
  const what = process.argv[2] ?? 'open_list';
  const v = await makeVault(200, ['development', 'staging', 'production'], 50);
  if (what === 'open_list') await profile(what, 10, () => openAndList(v));
  if (what === 'tree') await profile(what, 10, () => treeModel(v));
  if (what === 'rotate') {
    const ids = await addMembers(v, 4);
    const pristine = tempDir('pristine');
    fs.cpSync(path.join(v.root, '.kagi'), pristine, { recursive: true });
    const reset = () => {
      fs.rmSync(path.join(v.root, '.kagi'), { recursive: true });
      fs.cpSync(pristine, path.join(v.root, '.kagi'), { recursive: true });
    };
    await profile(what, 5, () => removeMember(Project.open(v.root, v.host), ids[0]!), reset);
  }
})();
