// which sources are in which shipped bundle (production)
import * as esbuild from 'esbuild';
import { lazyVault } from './bundle/lazy-vault.mjs';
import { lazyCommands, COMMANDS_DOOR } from './bundle/lazy-commands.mjs';
import { nodePlugins } from './bundle/plugins.mjs';
const common = { bundle: true, minify: true, legalComments:'none', platform:'node', format:'cjs', target:'node20', external:['vscode'], metafile:true, write:false, logLevel:'error' };
const sets = {
  entry: { entryPoints:['src/extension/extension.ts'], plugins:[lazyCommands, lazyVault, ...nodePlugins] },
  commands: { entryPoints:[COMMANDS_DOOR], plugins:[lazyVault, ...nodePlugins] },
  cli: { entryPoints:['src/cli/main.ts'], plugins:[lazyVault, ...nodePlugins] },
  vault: { entryPoints:['src/vault/index.ts'], plugins:[...nodePlugins] },
};
const where = new Map();
for (const [n, o] of Object.entries(sets)) {
  const r = await esbuild.build({ ...common, ...o });
  const out = Object.values(r.metafile.outputs)[0];
  console.log(n, (out.bytes/1024).toFixed(1));
  const rows = Object.entries(out.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput);
  if (process.argv[2] === n) for (const [i,x] of rows.slice(0,40)) console.log('  ', (x.bytesInOutput/1024).toFixed(1), i);
  for (const [i,x] of rows) { if (!where.has(i)) where.set(i, []); where.get(i).push([n, x.bytesInOutput]); }
}
let dup = 0;
for (const [i, l] of where) if (l.length > 1 && !l.some(([n]) => n==='vault')) { dup += l.slice(1).reduce((a,[,b])=>a+b,0); if (l[0][1] > 300) console.log('dup', i, l.map(([n,b])=>n+':'+b).join(' ')); }
console.log('dup bytes (non-vault)', dup);
