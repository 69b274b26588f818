/**
 * The checks `validate` makes on `.ss` messages beyond the reader's own problems (checksums, running
 * checksums, decoration bytes): the stream-key rule, the timestamp range, messages after an end-of-stream
 * message.
 *
 * @module
 */
import { isTimestampInRange, isValidStreamKey, SEA_STREAMER_INTERNAL } from '@x/seastreamer-file';
import type { Problem } from '../../context.js';
import type { RecordChecker } from '../types.js';
import type { SsRecord } from './read.js';

/** The `validate` checks of `.ss` messages. */
export function ssChecker(onProblem: (problem: Problem) => void): RecordChecker<SsRecord> {
  let eosAt: number | undefined;
  return {
    add(item) {
      if (item.kind !== 'message') return;
      if (!item.isEos && !isValidStreamKey(item.streamKey, true) && item.streamKey !== SEA_STREAMER_INTERNAL) {
        onProblem({
          code: 'INVALID_STREAM_KEY',
          offset: item.offset,
          message: `stream key ${JSON.stringify(item.streamKey)} is not [A-Za-z0-9._-]{0,249}`,
          severity: 'error',
        });
      } else if (item.streamKey === '') {
        onProblem({
          code: 'EMPTY_STREAM_KEY',
          offset: item.offset,
          message: 'empty stream key (accepted by the reference)',
          severity: 'warning',
        });
      }
      if (!isTimestampInRange(item.timestamp)) {
        onProblem({
          code: 'TIMESTAMP_OUT_OF_RANGE',
          offset: item.offset,
          message: `timestamp ${item.timestamp} ms is after 9999-12-31`,
          severity: 'error',
        });
      }
      if (eosAt !== undefined) {
        onProblem({
          code: 'DATA_AFTER_EOS',
          offset: item.offset,
          message: `message after the end-of-stream message at offset ${eosAt}`,
          severity: 'warning',
        });
        eosAt = undefined;
      }
      if (item.isEos) eosAt = item.offset;
    },
  };
}
