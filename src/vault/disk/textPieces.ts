import * as fs from 'node:fs';

/**
 * A file's text, whole or as pieces to be written one after the other. A rotation's journal
 * holds every re-sealed store (megabytes): as one string, then one buffer, it is two
 * megabyte-sized blocks of fresh memory, and touching fresh memory is what that write cost
 * (bench `rotate_vs_durable_rewrite`, bench/README.md "round 7"). Its pieces are the
 * texts it already holds.
 */
export type FileText = string | readonly string[];

/** Pieces are joined up to about this many characters per write: few writes, small buffers. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes `text` as UTF-8 at the descriptor's current position, a chunk at a time, each on the
 * thread pool after the one before; `done` gets the first error. Pieces are whole strings, so
 * no chunk ever splits a character.
 */
export function writeText(fd: number, text: FileText, done: (e: Error | null) => void): void {
  if (typeof text === 'string') return fs.writeFile(fd, text, done);
  const chunks = chunksOf(text);
  const next = (e: Error | null) => {
    if (e) return done(e);
    const chunk = chunks.next();
    if (chunk.done) return done(null);
    fs.writeFile(fd, chunk.value, next);
  };
  next(null);
}

function* chunksOf(pieces: readonly string[]): Generator<string> {
  let group: string[] = [];
  let chars = 0;
  for (const piece of pieces) {
    group.push(piece);
    chars += piece.length;
    if (chars >= CHUNK_CHARS) {
      yield group.join('');
      group = [];
      chars = 0;
    }
  }
  if (group.length > 0) yield group.join('');
}
