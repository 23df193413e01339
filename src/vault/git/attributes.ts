// The `.gitattributes` lines that route a vault's files to Kagi's drivers. Without a configured
// driver Git ignores `diff=`/`merge=` names it doesn't know, so committing them breaks nobody.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextIfExists, removeFile, writeFileAtomic } from '../disk/files';

export const ATTRIBUTES_COMMENT = '# kagi: readable diffs and merges of .kagi/ (kagi git setup); harmless without it';

/** The lines for one vault; `kagiDir` is relative to the Git root, `/`-separated (`.kagi`, `apps/x/.kagi`). */
export function attributeLines(kagiDir: string): string[] {
  const d = kagiDir.replace(/ /g, '[ ]');
  return [
    `${d}/secrets/**/*.enc diff=kagi merge=kagi-store`,
    // Artifacts are opaque ciphertext: a text merge could only corrupt them.
    `${d}/files/** diff=kagi merge=binary`,
    `${d}/kagi.json merge=kagi-config`,
    `${d}/access.json merge=kagi-access`,
  ];
}

/** Adds the missing lines once; returns true when the file changed. */
export function addAttributes(gitRoot: string, kagiDir: string): boolean {
  const file = path.join(gitRoot, '.gitattributes');
  const existing = readTextIfExists(file);
  const lines = splitLines(existing);
  const wanted = [ATTRIBUTES_COMMENT, ...attributeLines(kagiDir)].filter((l) => !lines.includes(l));
  if (wanted.length === 0) return false;
  writeKeepingMode(file, [...lines, ...wanted].join('\n') + '\n');
  return true;
}

/** True when every line of this vault is already there. */
export function hasAttributes(gitRoot: string, kagiDir: string): boolean {
  const lines = splitLines(readTextIfExists(path.join(gitRoot, '.gitattributes')));
  return attributeLines(kagiDir).every((l) => lines.includes(l));
}

/** Removes exactly our lines (the comment only when no vault's lines are left); returns true when it changed. */
export function removeAttributes(gitRoot: string, kagiDir: string): boolean {
  const file = path.join(gitRoot, '.gitattributes');
  const existing = readTextIfExists(file);
  if (existing === undefined) return false;
  const ours = new Set(attributeLines(kagiDir));
  let lines = splitLines(existing).filter((l) => !ours.has(l));
  if (!lines.some((l) => /\smerge=kagi-(store|config|access)\b/.test(l)))
    lines = lines.filter((l) => l !== ATTRIBUTES_COMMENT);
  const text = lines.length === 0 ? '' : lines.join('\n') + '\n';
  if (text === existing) return false;
  if (text === '') removeFile(file);
  else writeKeepingMode(file, text);
  return true;
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function writeKeepingMode(file: string, text: string): void {
  const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : 0o666 & ~process.umask();
  writeFileAtomic(file, text, { mode });
}
