// What "Open" may show of a file artifact's bytes: the text when it is text, else only its
// type. Pure (no vscode), so it is unit-tested in plain Node.
const MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP archive'],
  [[0x1f, 0x8b], 'gzip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'ELF executable'],
  [[0x30, 0x82], 'DER / PKCS#12 (ASN.1) data'],
];

/** The content as text when it is valid UTF-8 without NUL bytes; otherwise its type, from magic bytes. */
export function classify(bytes: Uint8Array): { text?: string; type: string } {
  if (!bytes.includes(0)) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), type: 'text' };
    } catch {
      // not UTF-8: binary
    }
  }
  const hit = MAGIC.find(([m]) => m.every((b, i) => bytes[i] === b));
  return { type: hit ? hit[1] : 'binary data' };
}
