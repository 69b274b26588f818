/**
 * Encoding a whole file in memory, synchronously ({@link writeSeaStreamer}): the writer over a memory sink.
 *
 * @module
 */
import { createMemorySink } from '@x/binary';
import type { MessageInput } from './frame.js';
import { toTimestamp } from './header.js';
import { SeaStreamerWriter, type SeaStreamerWriterOptions } from './writer.js';

/** Options of {@link writeSeaStreamer}. */
export interface WriteSeaStreamerOptions extends SeaStreamerWriterOptions {
  /** End with an end-of-stream message (default false); a bigint/number gives its timestamp (`true`: now). */
  eos?: boolean | bigint | number;
}

/**
 * Encodes a whole file in memory, synchronously: the bytes the reference writer produces for the same header,
 * messages and EOS timestamp.
 *
 * @example
 * ```ts
 * const bytes = writeSeaStreamer(
 *   [{ streamKey: 'hello', shardId: 1n, seqNo: 0n, timestamp: 1691686154745n, payload: 'hello-0' }],
 *   { fileName: 'demo.ss', beaconInterval: 1024, eos: true },
 * );
 * ```
 */
export function writeSeaStreamer(messages: Iterable<MessageInput>, options: WriteSeaStreamerOptions): Uint8Array {
  const sink = createMemorySink();
  const writer = new SeaStreamerWriter(sink, options);
  for (const m of messages) writer.write(m);
  const eos = options.eos;
  writer.finishSync(
    eos === undefined || eos === false ? undefined : toTimestamp(eos === true ? Date.now() : eos, 'eos timestamp'),
  );
  return sink.toBytes();
}
