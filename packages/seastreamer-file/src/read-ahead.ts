/**
 * @internal Reading ahead: a byte source that starts reading its next chunk as soon as it hands one over, so that
 * the file system (or a Blob) works while the reader parses. Used for the sources a reader opens itself (never
 * for a `ByteSource` given to it, nor for a follower, which waits at the end of the data).
 *
 * @module
 */
import type { ByteSource } from '@x/binary';

/** @internal `source`, reading one chunk ahead. */
export function readAhead(source: ByteSource): ByteSource {
  let pending: Promise<Uint8Array | null> | undefined;
  let settled: Promise<unknown> = Promise.resolve();
  let position = source.position;
  const start = (): Promise<Uint8Array | null> => {
    const read = settled.then(() => source.read());
    read.catch(() => undefined); // reported by the read() that takes it
    return read;
  };
  const ahead: ByteSource = {
    get size() {
      return source.size;
    },
    get position() {
      return position;
    },
    async read() {
      const chunk = await (pending ?? start());
      pending = undefined;
      if (chunk === null) return null; // the end: nothing read ahead (a growing file is asked again later)
      position += chunk.length;
      pending = start();
      return chunk;
    },
    async close() {
      await pending?.catch(() => undefined);
      pending = undefined;
      await source.close();
    },
  };
  if (source.readAt) ahead.readAt = (at, length) => (source.readAt as NonNullable<ByteSource['readAt']>)(at, length);
  if (source.refreshSize) ahead.refreshSize = () => (source.refreshSize as () => Promise<number>)();
  const seek = source.seek;
  if (seek) {
    ahead.seek = (at) => {
      // A read in flight moves the source when it completes, and so may an earlier seek: seek after them.
      const inflight = pending?.catch(() => undefined);
      pending = undefined;
      position = at;
      settled = Promise.all([settled, inflight]).then(() => seek.call(source, at));
      settled.catch(() => undefined); // reported by the next read
    };
  }
  return ahead;
}
