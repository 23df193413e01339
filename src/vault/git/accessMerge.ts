// Three-way pick of access.json texts; both sides changed: the member union of members.ts.
import { mergeAccessConflict } from '../members';
import { parseAccessList, type AccessList } from '../format/access';

export function mergeAccessTexts(base: string | undefined, ours: string, theirs: string): AccessList {
  if (ours === theirs || theirs === base) return parseAccessList(ours);
  if (ours === base) return parseAccessList(theirs);
  // The very rules `kagi doctor` applies to a conflicted file, fed the two sides as Git would mark them.
  return mergeAccessConflict(`<<<<<<< ours\n${withNewline(ours)}=======\n${withNewline(theirs)}>>>>>>> theirs\n`);
}

const withNewline = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
