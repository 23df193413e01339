import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeVault, tempDir } from './fixtures';
import { addMembers } from './cases/rotate';
import { Project, removeMember } from '../src/vault';
(async () => {
  const v = await makeVault(200, ['development', 'staging', 'production'], 50);
  const ids = await addMembers(v, 4);
  const pristine = tempDir('p'); fs.cpSync(v.root, pristine, { recursive: true });
  const reset = () => { fs.rmSync(path.join(v.root, '.kagi'), { recursive: true }); fs.cpSync(path.join(pristine, '.kagi'), path.join(v.root, '.kagi'), { recursive: true }); };
  const { Session } = await import('node:inspector/promises');
  const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
  let wall = 0;
  for (let i = 0; i < 5; i++) { reset(); const t = Date.now(); await removeMember(Project.open(v.root, v.host), ids[0]!); wall += Date.now() - t; }
  const { profile } = await s.post('Profiler.stop') as any;
  console.log('wall per rotation', wall / 5);
  const self = new Map<string, number>(); const dt = profile.timeDeltas as number[]; const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  profile.samples.forEach((id: number, i: number) => { const n: any = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt[i]!); });
  const tot = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log((v / tot * 100).toFixed(1).padStart(5), (v/1000/5).toFixed(1).padStart(7), 'ms', k);
})();
