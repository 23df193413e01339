// "May these secrets go into a program's environment without asking?" — for `kagi run`, tasks,
// debug launches and terminals. A key with a dangerous name (inject/dangerousNames.ts) is injected
// without a question only when this device wrote or approved that very value in that scope.
import type { Project } from '../project/project';
import { approvalId, approvalMac, approvalsPath, readApprovals, writeApprovals } from '../inject/approvals';
import { dangerousNames } from '../inject/dangerousNames';
import type { SecretEnv } from './processEnv';

export { isDangerousName, dangerousNames, dangerousWarning } from '../inject/dangerousNames';

/** The dangerous keys of `secrets` whose current value this device has not written or approved. */
export async function unapprovedDangerous(project: Project, scope: string, secrets: SecretEnv): Promise<string[]> {
  const names = dangerousNames(Object.keys(secrets));
  if (names.length === 0) return [];
  const { key } = await project.key();
  const approvals = readApprovals(approvalsPath(project.dataDir, project.projectId()));
  return names.filter((n) => approvals.get(approvalId(scope, n)) !== approvalMac(key, scope, n, secrets[n]!));
}

/**
 * Records that this device wrote or approved these values (after `set`/`import` here, or after
 * the person said yes). Only dangerous names are recorded; others never need approval.
 */
export async function approveDangerous(project: Project, scope: string, secrets: SecretEnv): Promise<void> {
  const names = dangerousNames(Object.keys(secrets));
  if (names.length === 0) return;
  const { key } = await project.key();
  const file = approvalsPath(project.dataDir, project.projectId());
  const approvals = readApprovals(file);
  for (const n of names) approvals.set(approvalId(scope, n), approvalMac(key, scope, n, secrets[n]!));
  writeApprovals(file, approvals);
}

/**
 * After this device wrote `values` into `scope`: the dangerous names among them, for the front
 * end to warn about by name. They are approved for this device (it wrote them, so it injects
 * them without asking); other members' devices ask before injecting them.
 */
export async function noteWrittenDangerous(project: Project, scope: string, values: SecretEnv): Promise<string[]> {
  const risky = dangerousNames(Object.keys(values));
  if (risky.length > 0) await approveDangerous(project, scope, Object.fromEntries(risky.map((n) => [n, values[n]!])));
  return risky;
}
