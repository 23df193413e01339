import { isKagiError } from '../vault';
import type { Io } from './io';

/**
 * A KagiError is for people: message and hint, no stack. Anything else is a bug;
 * its message might quote data, so only its kind is shown unless KAGI_DEBUG=1.
 */
export function reportError(io: Io, e: unknown, debug: boolean): void {
  if (isKagiError(e)) {
    io.err(`kagi: error: ${e.message}\n`);
    if (e.hint) io.err(`  hint: ${e.hint}\n`);
    return;
  }
  const kind =
    e instanceof Error
      ? `${e.name}${(e as NodeJS.ErrnoException).code ? ` ${(e as NodeJS.ErrnoException).code}` : ''}`
      : typeof e;
  io.err(`kagi: error: unexpected internal error (${kind})\n`);
  io.err(
    debug && e instanceof Error
      ? `${stackFrames(e)}\n`
      : '  hint: rerun with KAGI_DEBUG=1 to see the details, and report it\n',
  );
}

/**
 * Where it failed, never what it failed on: an error's message (the stack's first lines) may
 * quote the data, a value included, so KAGI_DEBUG=1 prints only the `at …` frames.
 */
function stackFrames(e: Error): string {
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length > 0 ? frames.join('\n') : '  (no stack)';
}
