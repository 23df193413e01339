// One workbench session for UI checks: temp workspace (+ vault fixture), code-server with the
// built extension installed, and a headless Chromium page on the workbench. Typed in session.d.mts
// so TypeScript checks (test/ui) can import it.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extensionId, log, readPackageJson, repoRoot, waitFor } from './common.mjs';
import { defaultFixture } from './fixtures.mjs';
import {
  activationLine,
  findExthostLog,
  installExtension,
  makeRunDirs,
  readText,
  startCodeServer,
  tail,
} from './server.mjs';
import { launchChromium, openWorkbench } from './browser.mjs';
import { readCanaries, registerCanary, scanForCanaries } from './canary.mjs';

export async function startSession(opts = {}) {
  const { trust = false, fixture = 'vault', settings, env = {}, headless = true } = opts;
  const pkg = readPackageJson();
  if (!existsSync(path.join(repoRoot, pkg.main))) throw new Error(`${pkg.main} missing: run \`npm run build\``);
  const dirs = makeRunDirs('kagi-ui-');
  let fx;
  if (typeof fixture === 'function')
    fx = (await fixture(dirs)) ?? { workspace: dirs.workspace, kagiHome: dirs.kagiHome, vault: null };
  else if (fixture === 'vault') fx = defaultFixture({ workspace: dirs.workspace, kagiHome: dirs.kagiHome });
  else fx = { workspace: dirs.workspace, kagiHome: dirs.kagiHome, vault: null };
  for (const s of fx.vault?.secrets ?? []) registerCanary(dirs.results, s.value);
  if (fixture === 'vault' && !fx.vault) log(`UI fixture: NO vault (the CLI failed: ${fx.vaultError?.split('\n')[0]})`);
  const fixtureFile = path.join(dirs.results, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(fx, null, 2));
  installExtension(dirs.extensions);

  const server = await startCodeServer({
    workspace: dirs.workspace,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    trust,
    settings,
    verbose: process.env.KAGI_UI_VERBOSE === '1',
    env: {
      KAGI_HOME: dirs.kagiHome,
      KAGI_IT_OUT: dirs.results,
      KAGI_IT_FIXTURE: fixtureFile,
      KAGI_REPO_ROOT: repoRoot,
      ...env,
    },
  });
  let browser;
  try {
    browser = await launchChromium({ headless });
    const { page, context, consoleLines } = await openWorkbench(browser, server.workspaceUrl);
    const id = extensionId(pkg);
    let stopped = false;
    const session = {
      dirs,
      server,
      browser,
      context,
      page,
      consoleLines,
      fixture: fx,
      url: server.workspaceUrl,
      extensionId: id,
      exthostLog: () => findExthostLog(server.logsDir),
      activationLine: () => activationLine(findExthostLog(server.logsDir), id),
      async waitForActivation(timeoutMs = 30000) {
        return waitFor(() => session.activationLine(), {
          timeoutMs,
          what: `"_doActivateExtension ${id}" in the exthost log`,
        });
      },
      exthostLogTail: (lines = 60) => tail(readText(findExthostLog(server.logsDir) ?? ''), lines),
      registerCanary: (value) => registerCanary(dirs.results, value),
      canaries: () => readCanaries(dirs.results),
      /** Scans the logs and the current page text (plus `texts`) for this session's canaries. */
      async scanCanaries(texts = []) {
        const pageText = stopped ? '' : await page.evaluate(() => document.body.innerText).catch(() => '');
        return scanForCanaries({
          canaries: readCanaries(dirs.results),
          dirs: [server.logsDir],
          texts: [{ where: 'workbench page text', text: pageText }, ...texts],
        });
      },
      async stop({ keep = process.env.KAGI_KEEP_RUN === '1' } = {}) {
        if (stopped) return;
        stopped = true;
        await browser.close().catch(() => {});
        await server.stop();
        if (!keep) rmSync(dirs.root, { recursive: true, force: true });
      },
    };
    return session;
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw e;
  }
}
