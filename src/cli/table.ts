/**
 * Box-drawn tables (docs/format.md §10.1). A cell may hold several lines (a revealed PEM
 * key, say); each line is drawn inside the box so the frame never breaks.
 */
export function boxTable(headers: string[], rows: string[][], indent = 0): string {
  const cells = [headers, ...rows].map((row) => row.map((c) => printable(c).split('\n')));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => Math.max(...row[i]!.map((l) => l.length)))));
  const pad = ' '.repeat(indent);
  const rule = (l: string, m: string, r: string) => pad + l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (row: string[][]) => {
    const height = Math.max(...row.map((c) => c.length));
    return Array.from(
      { length: height },
      (_, j) => pad + '│' + row.map((c, i) => ` ${(c[j] ?? '').padEnd(widths[i]!)} `).join('│') + '│',
    );
  };
  const [head, ...body] = cells;
  return (
    [rule('┌', '┬', '┐'), ...line(head!), rule('├', '┼', '┤'), ...body.flatMap(line), rule('└', '┴', '┘')].join('\n') +
    '\n'
  );
}

/** Control characters other than newlines would move the cursor or corrupt the frame. */
function printable(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/[\0-\x09\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
