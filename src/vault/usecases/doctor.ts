// `kagi doctor` and the editor's status: read-only health checks and their repairs.
export {
  diagnose,
  leftoverTemps,
  removeLeftoverTemps,
  failingScopes,
  type Check,
  type CheckLevel,
} from '../project/doctor';
