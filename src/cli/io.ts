import * as readline from 'node:readline';
import { isatty } from 'node:tty';

/**
 * Everything a command reads from or writes to the terminal. Commands never touch
 * `process` directly, so prompts and output have one place to be reasoned about.
 */
export interface Io {
  out(text: string): void;
  /** raw bytes to stdout, unchanged (`file show` of a binary file) */
  outBytes(bytes: Uint8Array): void;
  err(text: string): void;
  /** stdin AND stdout are terminals: the only case in which we may ask a person */
  readonly interactive: boolean;
  readStdin(): Promise<string>;
  /** asks on stderr (stdout stays clean for pipes) and returns the typed line */
  ask(question: string): Promise<string>;
}

export function processIo(): Io {
  return {
    out: (text) => void stdout().write(text),
    outBytes: (bytes) => void stdout().write(bytes),
    err: (text) => void process.stderr.write(text),
    // isatty, not process.stdin.isTTY: making the stdin stream costs every run ~10 ms it rarely
    // needs. Asked only by commands that may prompt, so the others never load node:tty.
    get interactive() {
      return isatty(0) && isatty(1);
    },
    readStdin,
    ask,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * process.stdout, made on first use: `kagi run` (whose program inherits the terminal) never
 * writes to it, and making the stream is part of every start otherwise (bench `run_vs_floor`).
 */
function stdout(): NodeJS.WriteStream {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    // A closed pipe (`kagi get | head -1`) is not an error worth a message.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
  return process.stdout;
}
let stdoutGuarded = false;

function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    // Ctrl-D or a closed terminal counts as "no".
    rl.once('close', () => resolve(''));
    rl.question(question, (answer) => {
      resolve(answer);
      rl.close();
    });
  });
}
