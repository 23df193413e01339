import { Project, readScopeEnv } from '../../src/vault';
import { serializeStore } from '../../src/vault/format/store';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import type { BenchVault } from '../fixtures';

/**
 * In-process, as the extension does before a launch: the handle (and so the
 * unwrapped key) is kept between launches, the files are re-read every time.
 */
export async function benchInject(v: BenchVault): Promise<BenchResult> {
  const project = Project.open(v.root, v.host);
  const scope = v.scopes[0]!;
  // The extension's own path (injection.ts) and `kagi run`'s: the scope as an env.
  const load = () => readScopeEnv(project, scope);
  const env = await load();
  const cfg = project.config();
  const plaintext = serializeStore(scope, project.readScope(cfg, scope, (await project.key(cfg)).key));
  const parse = () => {
    const out: Record<string, string> = {};
    for (const s of Object.values(JSON.parse(plaintext).secrets as Record<string, { key: string; value: string }>))
      out[s.key] = s.value;
    return out;
  };
  if (Object.keys(parse()).length !== Object.keys(env).length) throw new Error('inject and baseline disagree');
  const r = await compare(load, parse, { runs: 51, warmup: 5 });
  return ratioResult(
    'inject_vs_json_parse',
    r.ratio,
    `JSON.parse of the ${Object.keys(env).length}-secret plaintext: ${r.baseline.medianMs.toFixed(3)} ms`,
    2,
    medians(r),
  );
}
