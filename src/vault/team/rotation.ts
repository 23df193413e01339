import { KagiError } from '../errors';
import { newProjectKey } from '../crypto/seal';
import {
  isActiveOwner,
  parseAccessList,
  serializeAccessList,
  validateAccessList,
  type AccessList,
  type Member,
} from '../format/access';
import {
  applyJournal,
  clearStaging,
  dropJournal,
  markStaging,
  writeJournalAsync,
  type Journal,
} from '../project/journal';
import { AtomicBatch } from '../disk/atomicBatch';
import { refreshKeyCache } from '../device/projectKey';
import { findMember, requireOwner } from './members';
import { guardMembership, recordMembership, reviewContext, reviewMembership, type MembershipReview } from './review';
import { recipientFingerprint } from './fingerprint';
import { resealArtifacts } from '../project/artifacts';
import type { Project } from '../project/project';
import { sealStore } from '../crypto/seal';
import { wrapProjectKey } from '../crypto/wrap';

/** Stores sealed between two turns of the event loop (the staged writes' steps run there). */
const YIELD_EVERY = 4;

export interface RotationProgress {
  step: 'journal' | 'stores' | 'access' | 'done';
  done: number;
  total: number;
}

export interface RotationReport {
  removed: Member;
  scopes: number;
  artifacts: number;
  remaining: Member[];
}

/** Everything a rotation will write, computed in memory; nothing is on disk yet. */
export interface RotationPlan {
  journal: Journal;
  newKey: Uint8Array;
  report: RotationReport;
}

type Progress = (p: RotationProgress) => void;

export interface RotationOptions {
  /** confirmed membership differences (team/review.ts isAccepted) */
  accept?: readonly string[];
}

/** What a removal shows before anything is asked: the target, and the differences the new key would be wrapped across. */
export interface RemovalReview {
  target: Member;
  fingerprint: string;
  /** the active set after the removal, compared with this device's record */
  membership: MembershipReview;
}

/** Read-only: the member to remove and the membership differences the rotation would have to confirm. */
export async function reviewRemoval(project: Project, memberId: string): Promise<RemovalReview> {
  const cfg = project.config();
  const access = project.access();
  await requireOwner(project, access);
  const target = { ...findMember(access, memberId) };
  const after = { ...access, members: access.members.filter((m) => m.memberId !== memberId) };
  const { key } = await project.key(cfg);
  const membership = reviewMembership(await reviewContext(project, cfg.projectId, key), after);
  return { target, fingerprint: recipientFingerprint(target.recipient), membership };
}

/**
 * docs/format.md §7.5: removing a member is a key rotation. Inside the lock (after any
 * interrupted rotation is replayed), everything is decrypted and re-sealed in
 * memory; the journal is written before the first vault write, so a crash
 * between files is finished by the next command that opens the vault.
 */
export async function removeMember(
  project: Project,
  memberId: string,
  onProgress: Progress = () => {},
  opts: RotationOptions = {},
): Promise<RotationReport> {
  return project.mutate(async () => {
    // Each re-sealed file is written as a temp beside its target on the thread pool as soon as
    // it exists, while the next is sealed; nothing is renamed before the journal is on disk, so
    // a crash leaves at most temps under a key nobody was given (bench `rotate_vs_durable_rewrite`).
    const staged = new AtomicBatch();
    const projectId = project.projectId();
    markStaging(project.dataDir, projectId);
    try {
      const plan = await planRotation(project, memberId, onProgress, opts, (rel, text) =>
        staged.add(project.file(rel), text),
      );
      onProgress({ step: 'journal', done: 0, total: 1 });
      await writeJournalBeside(project.dataDir, plan.journal, staged);
      // Recorded once the journal makes the rotation certain to finish, before the vault changes:
      // a crash after this point still leaves the removed id known as removed, never as verified.
      const ctx = await reviewContext(project, plan.journal.projectId, plan.newKey);
      recordMembership(ctx, parseAccessList(plan.journal.accessJson), [memberId]);
      onProgress({ step: 'journal', done: 1, total: 1 });
      await applyJournal(project.kagiDir, project.dataDir, plan.journal, staged);
      refreshKeyCache(project.dataDir, plan.journal.projectId, plan.newKey);
      project.forgetKey();
      onProgress({ step: 'done', done: 1, total: 1 });
      return plan.report;
    } finally {
      // The mark goes last, with every temp either renamed or removed (killed before this, the
      // next command sweeps them, then replays the journal if there is one).
      await staged.discard();
      clearStaging(project.dataDir, projectId);
    }
  });
}

/**
 * The journal is written while the staged temps are still being flushed. If a temp then
 * fails (a full disk), the journal goes again: nothing was renamed, so the rotation has not
 * happened, and the vault is as it was. A crash before that removal is no harm either: the
 * next command replays the journal, which holds every file's text.
 */
async function writeJournalBeside(dataDir: string, journal: Journal, staged: AtomicBatch): Promise<void> {
  await writeJournalAsync(dataDir, journal);
  try {
    await staged.ready();
  } catch (e) {
    dropJournal(dataDir, journal.projectId);
    throw e;
  }
}

/**
 * The in-memory half of `removeMember`. Callers must hold the project lock
 * (exported for tests that simulate a crash after the journal is written).
 */
export async function planRotation(
  project: Project,
  memberId: string,
  onProgress: Progress = () => {},
  opts: RotationOptions = {},
  /** handed each file of the journal (vault-relative path, sealed text) as soon as it is sealed */
  stage: (rel: string, text: string) => void = () => {},
): Promise<RotationPlan> {
  const cfg = project.config();
  const access = project.access();
  await requireOwner(project, access);
  const removed = markRemoved(access, memberId);
  const { key: oldKey } = await project.key(cfg);
  // Everyone left active gets the new key: each must be who this device recorded, or confirmed.
  guardMembership(await reviewContext(project, cfg.projectId, oldKey), access, opts.accept);
  const newKey = newProjectKey();

  const scopes = project.scopes(cfg);
  const files: Record<string, string> = {};
  for (const [i, scope] of scopes.entries()) {
    onProgress({ step: 'stores', done: i, total: scopes.length });
    // Parsed, not just decrypted: a store that is not one aborts (docs/format.md §7.5), and the writer
    // rules hold (name == scope, map key == secret.key); unknown fields are carried over.
    const file = cfg.services[scope]!.file;
    files[file] = sealStore(scope, project.readScope(cfg, scope, oldKey), newKey);
    stage(file, files[file]);
    // The staged writes go on between the stores: each step of one needs this thread for a moment.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
  }
  const artifacts = resealArtifacts(project, cfg, oldKey, newKey);
  for (const [rel, text] of Object.entries(artifacts)) stage(rel, text);
  onProgress({ step: 'stores', done: scopes.length, total: scopes.length });

  const remaining = await rewrapActive(access, newKey, onProgress);
  validateAccessList(access);
  return {
    newKey,
    journal: { projectId: cfg.projectId, accessJson: serializeAccessList(access), files, artifacts },
    report: { removed, scopes: scopes.length, artifacts: Object.keys(artifacts).length, remaining },
  };
}

/** Marks the target removed (any status) and strips what it could still open. */
function markRemoved(access: AccessList, memberId: string): Member {
  const target = findMember(access, memberId);
  if (isActiveOwner(target) && access.members.filter(isActiveOwner).length === 1) {
    throw new KagiError(
      'last-owner',
      `${target.name} (${target.memberId}) is the last active owner and cannot be removed`,
      'promote another member to owner first',
    );
  }
  target.status = 'removed';
  delete target.wrappedKey;
  delete target.wrappedToken;
  return target;
}

/** Every active member (the remover included) gets a fresh wrap of the new key. */
async function rewrapActive(access: AccessList, newKey: Uint8Array, onProgress: Progress): Promise<Member[]> {
  const active = access.members.filter((m) => m.status === 'active');
  if (active.length === 0) {
    throw new KagiError(
      'last-owner',
      'no active member would remain after this removal',
      'approve another member first',
    );
  }
  for (const [i, m] of active.entries()) {
    onProgress({ step: 'access', done: i, total: active.length });
    m.wrappedKey = await wrapProjectKey(newKey, m.recipient, m);
  }
  onProgress({ step: 'access', done: active.length, total: active.length });
  return active;
}
