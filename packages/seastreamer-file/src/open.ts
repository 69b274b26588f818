/**
 * Opening readers: {@link openSeaStreamerReader} over any input, {@link peekSeaStreamerHeader}, and the opener the
 * `/node` readers and followers share.
 *
 * @module
 */
import { type ByteInput, type ByteSource, isByteSource, SourceBuffer, toByteSource } from '@x/binary';
import { ParserCore } from './core.js';
import { fromBinaryError, SeaStreamerFileError } from './errors.js';
import {
  type DecodeHeaderOptions,
  decodeSeaStreamerHeader,
  HEADER_SIZE,
  headerPaddingProblem,
  openHeader,
  type SeaStreamerHeader,
} from './header.js';
import { type LiveHooks, ReaderInput } from './input.js';
import { coreOptions } from './options.js';
import { readAhead } from './read-ahead.js';
import { SeaStreamerReader, type SeaStreamerReaderOptions } from './reader.js';

/**
 * @internal Bytes per read of the sources a reader opens (files, Blobs). A chunk lives while its messages are
 * read; the larger the chunks, the more of them outlive two young-generation collections and wait for a full
 * one: a 1 GB streaming read peaked at ~60 MB above the baseline with 1 MiB reads, ~30 MB with 512 KiB (as
 * fast), ~20 MB with 256 KiB (a few percent slower).
 */
export const READ_CHUNK_SIZE = 512 * 1024;

/** The error of a header the data ends inside of (`TRUNCATED`, or what its first bytes already show). */
function headerError(partial: Uint8Array): unknown {
  try {
    decodeSeaStreamerHeader(partial);
  } catch (error) {
    return error;
  }
  return new SeaStreamerFileError('TRUNCATED', 'incomplete header', { offset: 0 });
}

/**
 * @internal Opens a reader on `source` (read from its current position, which must be 0): reads and checks the
 * header. `owned`: the reader closes the source. `live`: a follower waits at the end of the data.
 */
export async function openReader(
  opened: ByteSource,
  owned: boolean,
  options: SeaStreamerReaderOptions,
  live?: LiveHooks,
): Promise<SeaStreamerReader> {
  // A source the reader opened is read one chunk ahead (I/O overlaps parsing); a follower waits at the end instead.
  const source = owned && live === undefined ? readAhead(opened) : opened;
  try {
    const core = coreOptions(options); // INVALID_ARGUMENT before anything is read
    const buffer = new SourceBuffer(source);
    for (;;) {
      let complete: boolean;
      try {
        complete = await buffer.ensure(HEADER_SIZE);
      } catch (error) {
        throw fromBinaryError(error);
      }
      if (complete) break;
      const partial = buffer.copy(buffer.available) as Uint8Array;
      if (live === undefined) throw headerError(partial);
      try {
        decodeSeaStreamerHeader(partial); // BAD_MAGIC / UNSUPPORTED_VERSION as soon as 3 bytes exist
      } catch (error) {
        if (!(SeaStreamerFileError.is(error) && error.code === 'TRUNCATED')) throw error;
      }
      const state = await live.wait();
      if (state !== 'more') {
        throw state === 'removed'
          ? new SeaStreamerFileError('FILE_REMOVED', 'the file was removed before its header was written')
          : new SeaStreamerFileError(
              state === 'idle' ? 'TIMED_OUT' : 'CLOSED',
              state === 'idle' ? 'no header was written within the idle timeout' : 'the follower was aborted',
            );
      }
    }
    const first = buffer.window(HEADER_SIZE) as Uint8Array;
    const { header, problem } = openHeader(first, core);
    const padding = (options.verifyDecoration ?? true) ? headerPaddingProblem(first) : undefined;
    buffer.consume(HEADER_SIZE);
    const parser = new ParserCore(header.beaconInterval, { ...core, limit: Number.POSITIVE_INFINITY });
    const input = new ReaderInput(source, buffer, parser, live);
    const reader = new SeaStreamerReader(input, owned, header, core, options.beacons ?? false);
    if (problem !== undefined) reader.report(problem);
    if (padding !== undefined) reader.report(padding);
    return reader;
  } catch (error) {
    live?.close();
    if (owned) await source.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens a streaming reader over any input: bytes, an `ArrayBuffer`, a `Blob`/`File`, a `ReadableStream`, an
 * async iterable of chunks (Node streams) or a `ByteSource` of `@x/binary` (read from its current position,
 * which must be 0). Reads and checks the header: throws `BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`, ...
 * for files that cannot be opened. The reader closes the source it creates; a `ByteSource` passed in stays
 * open (its owner closes it).
 *
 * @example
 * ```ts
 * const reader = await openSeaStreamerReader(file, { beacons: true }); // a Blob/File, bytes, a stream...
 * for await (const record of reader) {
 *   if (record.kind === 'message') console.log(record.offset, record.streamKey, record.seqNo);
 * }
 * console.log(reader.end, reader.problems);
 * await reader.close();
 * ```
 */
export async function openSeaStreamerReader(
  input: ByteInput,
  options: SeaStreamerReaderOptions = {},
): Promise<SeaStreamerReader> {
  const owned = !isByteSource(input);
  let source: ByteSource;
  try {
    source = toByteSource(input, { chunkSize: READ_CHUNK_SIZE });
  } catch (error) {
    throw fromBinaryError(error);
  }
  return openReader(source, owned, options);
}

/**
 * Reads and decodes the header of any input (see {@link openSeaStreamerReader} for the inputs) without
 * reading further: random-access inputs are read at offset 0, streams from their start (a `ByteSource` passed
 * in is left positioned after what was read). Closes the source when it created it. Throws like
 * {@link decodeSeaStreamerHeader}.
 *
 * @example
 * ```ts
 * const header = await peekSeaStreamerHeader(file);
 * console.log(header.fileName, header.beaconInterval);
 * ```
 */
export async function peekSeaStreamerHeader(
  input: ByteInput,
  options: DecodeHeaderOptions = {},
): Promise<SeaStreamerHeader> {
  const owned = !isByteSource(input);
  let source: ByteSource | undefined;
  try {
    source = toByteSource(input, { chunkSize: HEADER_SIZE });
    let head: Uint8Array;
    if (source.readAt) head = await source.readAt(0, HEADER_SIZE);
    else {
      const buffer = new SourceBuffer(source);
      await buffer.ensure(HEADER_SIZE);
      head = buffer.copy(Math.min(buffer.available, HEADER_SIZE)) as Uint8Array;
    }
    return decodeSeaStreamerHeader(head, options);
  } catch (error) {
    throw fromBinaryError(error);
  } finally {
    if (owned) await source?.close().catch(() => undefined);
  }
}
