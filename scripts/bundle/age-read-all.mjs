// age-encryption's io.js collects streams with `new Response(stream)`, which makes Node
// load its whole bundled fetch implementation (undici): ~30 ms on every CLI run, to
// collect a 32-byte project key. The build swaps in this reader loop instead.
export async function collect(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
