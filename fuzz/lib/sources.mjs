// Byte inputs for the streaming paths: a ByteSource (the public interface of @x/binary) that hands out the
// bytes in the pieces of a chunk plan, with random access or without (a plain stream), and an async iterable of
// the same pieces (what a reader gets from `for await` over a network body).

/**
 * A `ByteSource` over `bytes` in the given piece sizes. `seekable: false` leaves out `readAt`/`seek` and the
 * size, as a stream has none.
 */
export function plannedSource(bytes, sizes, { seekable = true } = {}) {
  let position = 0;
  let piece = 0;
  let closed = false;
  const source = {
    get size() {
      return seekable ? bytes.length : undefined;
    },
    get position() {
      return position;
    },
    async read() {
      if (closed) throw new Error('fuzz source read after close');
      if (position >= bytes.length) return null;
      const n = sizes[piece] ?? bytes.length - position;
      piece++;
      const end = Math.min(bytes.length, position + n);
      const chunk = bytes.subarray(position, end);
      position = end;
      return chunk;
    },
    async close() {
      closed = true;
    },
  };
  if (seekable) {
    source.readAt = async (at, length) =>
      bytes.subarray(Math.min(at, bytes.length), Math.min(bytes.length, at + length));
    source.seek = (at) => {
      position = at;
      // After a seek, hand out pieces of the same plan from the new position on.
    };
  }
  return source;
}

/** An async iterable of `bytes` in the given piece sizes (each piece a copy, as a network stream would give). */
export function plannedIterable(bytes, sizes) {
  return {
    async *[Symbol.asyncIterator]() {
      let at = 0;
      for (const n of sizes) {
        yield bytes.slice(at, at + n);
        at += n;
      }
      if (at < bytes.length) yield bytes.slice(at);
    },
  };
}
