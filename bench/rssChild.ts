// One listing in a fresh process; prints its peak RSS in KB (bench/cases/memory.ts).
import { openAndList, plaintextList } from './cases/openList';

(async () => {
  const [mode, target] = process.argv.slice(2);
  const rows =
    mode === 'vault'
      ? await openAndList({ root: target!, host: { env: process.env, home: '' }, scopes: [] })
      : plaintextList(target!);
  if (rows.length === 0) process.exit(2);
  process.stdout.write(String(process.resourceUsage().maxRSS));
})();
