// Finding vault values in text without keeping the values.
//
// The matcher holds, per searched piece, only an HMAC under a key drawn at random when it is built
// (never stored, never shown) and the piece's length, indexed by a keyed rolling hash of its first
// PREFIX characters. Scanning rolls that hash along the text; where it hits, the candidate
// substring of each indexed length is HMAC'd and compared. So a matcher the editor keeps between
// vault changes holds no value and no fingerprint anyone could brute-force outside this process.
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { MIN_SEARCH_LENGTH } from './searchable';

/** What a hit names: the key and the scope it came from. Never the value. */
export interface LeakSource {
  key: string;
  scope: string;
}

export interface LeakHit {
  /** UTF-16 offset in the text */
  offset: number;
  length: number;
  sources: LeakSource[];
}

export interface LeakEntry extends LeakSource {
  piece: string;
}

/** Characters the rolling hash covers: every searched piece is at least this long. */
const PREFIX = MIN_SEARCH_LENGTH;

interface Candidate {
  length: number;
  mac: string;
  sources: LeakSource[];
}

export class LeakMatcher {
  private readonly macKey = randomBytes(32);
  /** odd, so multiplication by it is invertible modulo 2^32 */
  private readonly base = randomInt(1, 2 ** 31) * 2 + 1;
  private readonly outPower: number;
  private readonly index = new Map<number, Candidate[]>();

  constructor(entries: Iterable<LeakEntry>) {
    let p = 1;
    for (let i = 0; i < PREFIX - 1; i++) p = Math.imul(p, this.base);
    this.outPower = p;
    for (const e of entries) this.add(e);
  }

  get size(): number {
    return this.index.size;
  }

  private add(e: LeakEntry): void {
    if (e.piece.length < PREFIX) return;
    const h = this.hashAt(e.piece, 0);
    const mac = this.mac(e.piece);
    const bucket = this.index.get(h) ?? [];
    const same = bucket.find((c) => c.mac === mac && c.length === e.piece.length);
    const source = { key: e.key, scope: e.scope };
    if (!same) bucket.push({ length: e.piece.length, mac, sources: [source] });
    else if (!same.sources.some((s) => s.key === source.key && s.scope === source.scope)) same.sources.push(source);
    this.index.set(h, bucket);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.macKey).update(text, 'utf8').digest('base64');
  }

  private hashAt(text: string, start: number): number {
    let h = 0;
    for (let i = start; i < start + PREFIX; i++) h = (Math.imul(h, this.base) + text.charCodeAt(i)) | 0;
    return h;
  }

  /** Every place a searched piece occurs in `text`, in order. */
  find(text: string): LeakHit[] {
    const hits: LeakHit[] = [];
    if (this.index.size === 0 || text.length < PREFIX) return hits;
    let h = this.hashAt(text, 0);
    for (let i = 0; ; i++) {
      const bucket = this.index.get(h);
      if (bucket) this.confirm(text, i, bucket, hits);
      if (i + PREFIX >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), this.outPower), this.base) + text.charCodeAt(i + PREFIX)) | 0;
    }
    return hits;
  }

  private confirm(text: string, at: number, bucket: Candidate[], hits: LeakHit[]): void {
    for (const c of bucket) {
      if (at + c.length > text.length) continue;
      if (this.mac(text.slice(at, at + c.length)) === c.mac)
        hits.push({ offset: at, length: c.length, sources: c.sources });
    }
  }
}

/** 1-based line and column (in UTF-16 units, as editors count) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
