import { makeVault } from './fixtures';
import { openAndList } from './cases/openList';
(async () => {
  const big = await makeVault(200, ['development', 'staging', 'production'], 50);
  for (let i = 0; i < 3; i++) await openAndList(big);
  const { Session } = await import('node:inspector/promises');
  const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
  for (let i = 0; i < 10; i++) await openAndList(big);
  const { profile } = await s.post('Profiler.stop') as any;
  const self = new Map<string, number>();
  const dt = profile.timeDeltas as number[]; const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  profile.samples.forEach((id: number, i: number) => { const n: any = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt[i]!); });
  const tot = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log((v / tot * 100).toFixed(1).padStart(5), k);
})();
