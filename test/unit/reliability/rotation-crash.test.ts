/**
 * Issue 8, point 2: an interrupted member removal (key rotation).
 *
 * Deterministic states are reproduced with the vault's own functions (planRotation,
 * writeJournal, writeFileAtomic), exactly as removeMember leaves them when killed at
 * each step: while writing the journal, right after it, after some stores, after all
 * stores and artifacts, after access.json, before the journal is deleted. The next
 * CLI command (`get` or `set`) must replay the journal; then every scope and artifact
 * opens with the new key for every remaining member, and the removed member's device
 * (and the old key it knew) opens nothing, including what is written afterwards.
 * Finally `node dist/cli.js member remove <id> --yes` is SIGKILLed at spread-out
 * moments: the vault is always either wholly before or wholly after the rotation.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readArtifact, readArtifactIndex } from '../../../src/vault/project/artifacts';
import { journalPath, stagingPath } from '../../../src/vault/device/dataDir';
import { decodeBase64Strict } from '../../../src/vault/format/encoding';
import { writeFileAtomic } from '../../../src/vault/disk/files';
import type { HostEnv } from '../../../src/vault/device/dataDir';
import { loadIdentity } from '../../../src/vault/device/identity';
import { initProject } from '../../../src/vault/usecases/init';
import { markStaging, writeJournal } from '../../../src/vault/project/journal';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { resolveProjectKey } from '../../../src/vault/device/projectKey';
import { planRotation, type RotationPlan } from '../../../src/vault/team/rotation';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { unwrapProjectKey } from '../../../src/vault/crypto/wrap';
import { CERT, CERT_ID, device, tempDir, writeCertArtifact } from '../helpers';
import { cleanEnv, copyTree, ensureCli, rmTree, runCli } from './support';

const VALUES: Record<string, Record<string, string>> = {
  'api/development': { DB_URL: 'postgres://dev', API_KEY: 'dev-key' },
  'api/production': { DB_URL: 'postgres://prod', API_KEY: 'prod-key' },
  'web/production': { TOKEN: 'web-token' },
  production: { ROOT: 'root-secret' },
};

interface Team {
  root: string;
  alice: HostEnv & { home: string };
  bob: HostEnv & { home: string };
  carol: HostEnv & { home: string };
  carolId: string;
  oldKey: Uint8Array;
}

async function buildTeam(): Promise<Team> {
  const root = tempDir('kagi-rot-');
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => device(n)) as [
    Team['alice'],
    Team['bob'],
    Team['carol'],
  ];
  const { project } = await initProject(root, alice, { envs: ['production'] });
  for (const [scope, values] of Object.entries(VALUES)) {
    await setSecrets(
      project,
      scope,
      Object.entries(values).map(([key, value]) => ({ key, value })),
    );
  }
  const bobM = await requestAccess(Project.open(root, bob), { name: 'bob' });
  const carolM = await requestAccess(Project.open(root, carol), { name: 'carol' });
  await approveMember(project, bobM.memberId);
  await approveMember(project, carolM.memberId);
  const cfg = project.config();
  const oldKey = (await project.key()).key;
  writeCertArtifact(project, cfg, oldKey);
  return { root, alice, bob, carol, carolId: carolM.memberId, oldKey };
}

/** A private copy of the project and of alice's device (bob's and carol's are only read). */
/** Temp files anywhere in the vault folder (`.<name>.<hex>.tmp`). */
function vaultTemps(c: Team): string[] {
  return (fs.readdirSync(path.join(c.root, '.kagi'), { recursive: true }) as string[]).filter((f) =>
    /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp$/.test(f),
  );
}

/** After the command that follows a crash: no temp in the vault for `git add` to find, no staging mark. */
function assertNoLeftovers(c: Team, projectId: string): void {
  assert.deepEqual(vaultTemps(c), [], 'temp files left in the vault');
  assert.ok(!fs.existsSync(stagingPath(c.alice.home, projectId)), 'the staging mark is left');
}

function copyTeam(t: Team): Team {
  const root = copyTree(t.root, 'kagi-rot-case-');
  const home = copyTree(t.alice.home, 'kagi-rot-home-');
  return { ...t, root, alice: { home, env: { ...t.alice.env, KAGI_HOME: home } } };
}

function dispose(c: Team): void {
  rmTree(c.root);
  rmTree(c.alice.home);
}

async function keyOf(root: string, d: HostEnv): Promise<Uint8Array> {
  const p = Project.open(root, d);
  return (
    await resolveProjectKey({
      env: d.env,
      dataDir: p.dataDir,
      projectId: p.config().projectId,
      readAccess: () => p.access(),
    })
  ).key;
}

/** Everything after a finished rotation, from every side. */
async function assertRotated(c: Team, extra: Record<string, Record<string, string>> = {}): Promise<void> {
  const projectId = Project.open(c.root, c.alice).config().projectId;
  assert.ok(!fs.existsSync(journalPath(c.alice.home, projectId)), 'the journal is still there');
  const newKey = await keyOf(c.root, c.alice);
  assert.notDeepEqual(Buffer.from(newKey), Buffer.from(c.oldKey), 'the key did not change');
  assert.deepEqual(Buffer.from(await keyOf(c.root, c.bob)), Buffer.from(newKey), 'bob does not get the new key');
  for (const who of [c.alice, c.bob]) {
    const stores = await readScopes(Project.open(c.root, who));
    for (const [scope, values] of Object.entries({ ...VALUES })) {
      for (const [k, v] of Object.entries({ ...values, ...extra[scope] }))
        assert.equal(stores.get(scope)?.secrets.get(k)?.value, v, `${scope}.${k}`);
    }
  }
  const p = Project.open(c.root, c.alice);
  const cfg = p.config();
  assert.equal(readArtifactIndex(p, cfg, newKey)?.[0]?.id, CERT_ID);
  assert.deepEqual(Buffer.from(readArtifact(p, cfg, newKey, CERT_ID)), Buffer.from(CERT));
  // The removed member: its device is refused, its wraps are gone, and the key it knew opens nothing.
  const access = p.access();
  const carolEntry = access.members.find((m) => m.memberId === c.carolId)!;
  assert.equal(carolEntry.status, 'removed');
  assert.equal(carolEntry.wrappedKey, undefined);
  await assert.rejects(
    readScopes(Project.open(c.root, c.carol)),
    (e: Error & { code?: string }) => e.code === 'not-a-member',
  );
  const carolId = (await loadIdentity(c.carol.home))!;
  for (const m of access.members) {
    if (m.wrappedKey)
      assert.equal(
        await unwrapProjectKey(decodeBase64Strict(m.wrappedKey)!, carolId.secretKey),
        undefined,
        `carol opens ${m.name}'s wrap`,
      );
  }
  for (const scope of p.scopes(cfg)) {
    assert.throws(
      () => p.readScope(cfg, scope, c.oldKey),
      (e: Error & { code?: string }) => e.code === 'auth-failed',
      `the old key opens ${scope}`,
    );
  }
  assert.throws(
    () => readArtifact(p, cfg, c.oldKey, CERT_ID),
    (e: Error & { code?: string }) => e.code === 'auth-failed' || e.code === 'bad-store',
  );
}

/** Nothing happened: carol is still in, the old key opens everything, no journal. */
async function assertNotRotated(c: Team): Promise<void> {
  const p = Project.open(c.root, c.alice);
  assert.ok(!fs.existsSync(journalPath(c.alice.home, p.config().projectId)), 'a journal is left');
  assert.deepEqual(Buffer.from(await keyOf(c.root, c.alice)), Buffer.from(c.oldKey));
  assert.deepEqual(Buffer.from(await keyOf(c.root, c.carol)), Buffer.from(c.oldKey));
  const stores = await readScopes(p);
  for (const [scope, values] of Object.entries(VALUES)) {
    for (const [k, v] of Object.entries(values)) assert.equal(stores.get(scope)?.secrets.get(k)?.value, v);
  }
  assert.deepEqual(Buffer.from(readArtifact(p, p.config(), c.oldKey, CERT_ID)), Buffer.from(CERT));
}

type Step = { name: string; apply: (c: Team, plan: RotationPlan, projectId: string) => void; rotated: boolean };

function steps(plan: RotationPlan): Step[] {
  const stores = Object.entries({ ...plan.journal.files, ...plan.journal.artifacts });
  const writeStores = (c: Team, n: number) => {
    for (const [rel, text] of stores.slice(0, n)) writeFileAtomic(path.join(c.root, '.kagi', ...rel.split('/')), text);
  };
  const out: Step[] = [
    {
      name: 'killed while writing the journal (only its temp file exists)',
      rotated: false,
      apply: (c, p, id) => {
        const j = journalPath(c.alice.home, id);
        fs.mkdirSync(path.dirname(j), { recursive: true });
        fs.writeFileSync(
          path.join(path.dirname(j), `.${path.basename(j)}.0123456789ab.tmp`),
          JSON.stringify(p.journal).slice(0, 200),
        );
      },
    },
    {
      name: 'killed while staging the re-sealed stores (temps in the vault, no journal)',
      rotated: false,
      apply: (c, _plan, id) => {
        markStaging(c.alice.home, id);
        for (const [rel, text] of stores) {
          const target = path.join(c.root, '.kagi', ...rel.split('/'));
          fs.writeFileSync(path.join(path.dirname(target), `.${path.basename(target)}.0123456789ab.tmp`), text);
        }
        assert.equal(vaultTemps(c).length, stores.length, 'precondition: the temps are there');
      },
    },
    { name: 'journal written, nothing else', rotated: true, apply: (c, p) => writeJournal(c.alice.home, p.journal) },
  ];
  for (const n of [...new Set([1, Math.floor(stores.length / 2), stores.length - 1])].filter(
    (n) => n > 0 && n < stores.length,
  )) {
    out.push({
      name: `journal + ${n} of ${stores.length} stores written`,
      rotated: true,
      apply: (c, p) => {
        writeJournal(c.alice.home, p.journal);
        writeStores(c, n);
      },
    });
  }
  out.push(
    {
      name: 'journal + every store and artifact, access.json not yet',
      rotated: true,
      apply: (c, p) => {
        writeJournal(c.alice.home, p.journal);
        writeStores(c, stores.length);
      },
    },
    {
      name: 'journal + stores + access.json, snapshot and journal deletion not yet',
      rotated: true,
      apply: (c, p) => {
        writeJournal(c.alice.home, p.journal);
        writeStores(c, stores.length);
        writeFileAtomic(path.join(c.root, '.kagi', 'access.json'), p.journal.accessJson);
      },
    },
    {
      name: 'everything written, killed before the journal was deleted',
      rotated: true,
      apply: (c, p, id) => {
        writeJournal(c.alice.home, p.journal);
        writeStores(c, stores.length);
        writeFileAtomic(path.join(c.root, '.kagi', 'access.json'), p.journal.accessJson);
        writeFileAtomic(path.join(c.alice.home, 'projects', `${id}.access.json`), p.journal.accessJson);
      },
    },
  );
  return out;
}

describe('reliability: interrupted member removal (key rotation)', function () {
  this.timeout(120_000);
  let team: Team;

  before(async () => {
    ensureCli();
    team = await buildTeam();
  });

  after(() => {
    rmTree(team.root);
    for (const d of [team.alice, team.bob, team.carol]) rmTree(d.home);
  });

  it('each crash point: the next CLI command replays the journal; remaining members open everything with the new key; the removed one opens nothing', async () => {
    // The plan is computed once per copy (fresh key each time), so build the list from a probe.
    const probe = copyTeam(team);
    const probePlan = await planRotation(Project.open(probe.root, probe.alice), team.carolId);
    dispose(probe);
    const all = steps(probePlan);
    assert.ok(all.length >= 6);
    for (const [i, step] of all.entries()) {
      const c = copyTeam(team);
      try {
        const project = Project.open(c.root, c.alice);
        const projectId = project.config().projectId;
        const plan = await planRotation(project, team.carolId);
        step.apply(c, plan, projectId);
        // Alternate the command that finds the journal: a read, then a write.
        const write = i % 2 === 1;
        const r = await runCli(
          write ? ['set', 'api', 'production', 'AFTER', 'written-after'] : ['get', '--show', '--yes'],
          { cwd: c.root, env: c.alice.env },
        );
        assert.equal(r.code, 0, `${step.name}: the next command failed: ${r.stderr}`);
        assertNoLeftovers(c, projectId);
        if (step.rotated) {
          assert.equal(
            fs.readFileSync(path.join(c.root, '.kagi', 'access.json'), 'utf8'),
            plan.journal.accessJson,
            `${step.name}: access.json`,
          );
          assert.deepEqual(Buffer.from(await keyOf(c.root, c.alice)), Buffer.from(plan.newKey));
          await assertRotated(c, write ? { 'api/production': { AFTER: 'written-after' } } : {});
          if (!write) assert.ok(r.stdout.includes('postgres://prod'), `${step.name}: listing`);
        } else {
          await assertNotRotated(c);
        }
        // And what is written afterwards stays closed to the removed member.
        await setSecrets(Project.open(c.root, c.alice), 'api/production', [{ key: 'LATER', value: 'later' }]);
        if (step.rotated) {
          const p = Project.open(c.root, c.alice);
          assert.throws(
            () => p.readScope(p.config(), 'api/production', c.oldKey),
            (e: Error & { code?: string }) => e.code === 'auth-failed',
          );
          await assert.rejects(
            readScopes(Project.open(c.root, c.carol)),
            (e: Error & { code?: string }) => e.code === 'not-a-member',
          );
        }
      } catch (e) {
        (e as Error).message = `${step.name}: ${(e as Error).message}`;
        throw e;
      } finally {
        dispose(c);
      }
    }
  });

  it('`member remove --yes` SIGKILLed at spread-out moments: always wholly before or wholly after, and the next command works', async () => {
    // One uninterrupted run tells how long a removal takes here.
    const full = copyTeam(team);
    let duration: number;
    try {
      const r = await runCli(['member', 'remove', team.carolId, '--yes'], { cwd: full.root, env: full.alice.env });
      assert.equal(r.code, 0, r.stderr);
      duration = r.ms;
      await assertRotated(full);
    } finally {
      dispose(full);
    }
    const outcomes = { before: 0, after: 0, midway: 0 };
    const fractions = [0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    for (const f of fractions) {
      const c = copyTeam(team);
      try {
        const child = spawn(process.execPath, [ensureCli(), 'member', 'remove', team.carolId, '--yes'], {
          cwd: c.root,
          env: cleanEnv(c.alice.env),
          stdio: 'ignore',
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), duration * f);
        await new Promise((resolve) => child.on('close', resolve));
        clearTimeout(timer);
        // Killed between the journal and its deletion: the next command must finish the job.
        if (fs.existsSync(journalPath(c.alice.home, Project.open(c.root, c.alice).config().projectId)))
          outcomes.midway++;
        const r = await runCli(['get', '--show', '--yes'], { cwd: c.root, env: c.alice.env });
        assert.equal(r.code, 0, `killed at ${f}: the next command failed: ${r.stderr}`);
        assertNoLeftovers(c, Project.open(c.root, c.alice).config().projectId);
        const carol = Project.open(c.root, c.alice)
          .access()
          .members.find((m) => m.memberId === team.carolId)!;
        if (carol.status === 'removed') {
          outcomes.after++;
          await assertRotated(c);
        } else {
          outcomes.before++;
          await assertNotRotated(c);
        }
      } catch (e) {
        (e as Error).message = `killed at ${f} of ${duration} ms: ${(e as Error).message}`;
        throw e;
      } finally {
        dispose(c);
      }
    }
    console.log(`      member remove kills: ${JSON.stringify(outcomes)} (a run takes ${duration} ms)`);
  });
});
