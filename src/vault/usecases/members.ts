// Membership: requests, approvals, roles, removal with key rotation, and access.json merges.
export {
  listMembers,
  requestAccess,
  approveMember,
  rejectRequest,
  setRole,
  recipientFingerprint,
  resolveAccessConflict,
  reviewApproval,
  reviewConflictMerge,
  type ApprovalReview,
  type ApproveOptions,
  type Membership,
} from '../members';
export {
  removeMember,
  reviewRemoval,
  type RemovalReview,
  type RotationOptions,
  type RotationProgress,
  type RotationReport,
} from '../rotation';
// What an approve, remove or merge must confirm before the key is wrapped (docs/security.md, trust model).
export {
  assertAccepted,
  describeChange,
  FIRST_USE,
  isAccepted,
  type MembershipChange,
  type MembershipReview,
  unverifiedMembers,
} from '../team/review';
