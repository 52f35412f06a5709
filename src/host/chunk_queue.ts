// Input a stdin source holds until the guest reads it (NodeStdin's chunks from the host's fd 0,
// the browser terminal's delivered lines): a FIFO of byte chunks read in pieces of any size.

/** Byte chunks, consumed from the front in pieces of any size. */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes queued and not yet taken. */
  bytes = 0;

  /** Appends a chunk (kept as it is, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Removes and returns the first min(max, bytes) bytes (an empty array when nothing is queued). */
  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.bytes));
    let off = 0;
    while (off < out.length) {
      const c = this.chunks[0]!;
      const n = Math.min(c.length, out.length - off);
      out.set(c.subarray(0, n), off);
      off += n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    this.bytes -= out.length;
    return out;
  }

  /** Drops everything queued. */
  clear(): void {
    this.chunks = [];
    this.bytes = 0;
  }
}
