// Membership: requests, approvals, roles, removal with key rotation, and access.json merges.
export {
  listMembers,
  requestAccess,
  approveMember,
  rejectRequest,
  setRole,
  recipientFingerprint,
  resolveAccessConflict,
  type Membership,
} from '../members';
export { removeMember, type RotationProgress, type RotationReport } from '../rotation';
