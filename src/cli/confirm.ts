import { KagiError } from '../vault';
import type { Io } from './io';

/**
 * A y/N question for reveals, exports and unset. On a terminal we ask (unless
 * --yes); anywhere else a script must say --yes, so nothing is revealed by accident.
 */
export async function confirmYesNo(io: Io, yes: boolean, question: string): Promise<void> {
  if (yes) return;
  if (!io.interactive) {
    throw new KagiError(
      'usage',
      'requires confirmation: rerun with --yes',
      'stdin and stdout are not both terminals, so kagi cannot ask; add --yes if this is intended',
    );
  }
  if (!(await askYesNo(io, question))) throw cancelled();
}

/** Asks on the terminal; only `y` or `Y` is a yes. */
export async function askYesNo(io: Io, question: string): Promise<boolean> {
  const answer = (await io.ask(`${question} [y/N] `)).trim();
  return answer === 'y' || answer === 'Y';
}

/** For destructive operations: the person types the exact id or name. */
export async function confirmTyped(io: Io, yes: boolean, expected: string, what: string): Promise<void> {
  if (yes) return;
  if (!io.interactive) {
    throw new KagiError(
      'usage',
      'requires confirmation: rerun with --yes',
      `stdin and stdout are not both terminals, so kagi cannot ask you to type the ${what}; add --yes if this is intended`,
    );
  }
  const answer = (await io.ask(`Type the ${what} ${expected} to confirm: `)).trim();
  if (answer !== expected) throw cancelled();
}

function cancelled(): KagiError {
  return new KagiError('usage', 'cancelled: nothing was changed or shown', 'rerun and confirm, or pass --yes');
}
