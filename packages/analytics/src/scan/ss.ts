/**
 * Rows of a `.ss` file: `messages`, `beacons`, `problems` and its `files` row, streamed from
 * `openSeaStreamerReader` with the reader options `xtrace cat` uses (so the tables hold exactly its records).
 *
 * @module
 */
import { type ByteInput, CodedError, toHex } from '@x/binary';
import {
  openSeaStreamerReader,
  type SeaStreamerBeacon,
  type SeaStreamerMessage,
  type SeaStreamerProblem,
  type SeaStreamerReader,
} from '@x/seastreamer-file';
import type { LoadValue } from '../tables/types.js';
import { fileDate, type ScanOptions, type ScanSummary } from './sink.js';

const utf8 = new TextEncoder();

function markersText(beacon: SeaStreamerBeacon): string {
  let out = '';
  for (const m of beacon.markers) {
    if (out.length > 0) out += ';';
    out += `${toHex(utf8.encode(m.streamKey))}:${m.shardId}:${m.seqNo}:${m.timestamp}:${m.runningChecksum}`;
  }
  return out;
}

/** A row of the `problems` table. */
export function problemRow(
  file: string,
  date: string | null,
  format: string | null,
  problem: {
    offset?: number | undefined;
    segment?: number | undefined;
    code: string;
    severity: string;
    message: string;
  },
): LoadValue[] {
  return [file, date, format, problem.offset, problem.segment, problem.code, problem.severity, problem.message];
}

/** The `files` row of a file that could not be opened, and its problem. */
export function unreadable(options: ScanOptions, format: string | null, error: unknown): ScanSummary {
  const { file, sink } = options;
  const coded = CodedError.is(error) ? error : undefined;
  const code = coded?.code ?? 'IO_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  sink.add('problems', problemRow(file, null, format, { offset: coded?.offset, code, severity: 'error', message }));
  // files: file, file_date, format, size, version, file_name, created_at_ms, beacon_interval, padding_ok, segments,
  // records, beacons, end_state, end_offset, trailing_bytes, errors, warnings, problems, complete
  sink.add('files', [
    file,
    null,
    format,
    options.size,
    null,
    null,
    null,
    null,
    null,
    null,
    0,
    null,
    'unreadable',
    null,
    null,
    1,
    0,
    1,
    false,
  ]);
  return {
    file,
    format: format === null ? undefined : (format as 'ss' | 'moqtrace'),
    records: 0,
    errors: 1,
    warnings: 0,
    endState: 'unreadable',
    complete: false,
  };
}

/**
 * Scans a `.ss` input into rows of `messages`, `beacons`, `problems` and `files`. A file that cannot be opened
 * (bad magic, truncated header, I/O error) gives a `files` row with end state `unreadable` and its problem;
 * damaged messages are rows with `checksum_ok` false plus a problem; a truncated tail is a `TRUNCATED` problem.
 *
 * @example
 * ```ts
 * const rows: unknown[][] = [];
 * await scanSeaStreamer(bytes, { file: 'a.ss', sink: { add: (table, row) => rows.push([table, ...row]) } });
 * ```
 */
export async function scanSeaStreamer(input: ByteInput, options: ScanOptions): Promise<ScanSummary> {
  const { file, sink } = options;
  let errors = 0;
  let warnings = 0;
  let date: string | null = null;
  const pending: SeaStreamerProblem[] = [];
  let reader: SeaStreamerReader;
  try {
    reader = await openSeaStreamerReader(input, { beacons: true, onProblem: (p) => pending.push(p) });
  } catch (error) {
    return unreadable(options, 'ss', error);
  }
  const header = reader.header;
  date = fileDate(header.createdAt);
  const problem = (p: { offset?: number | undefined; code: string; severity: string; message: string }) => {
    if (p.severity === 'error') errors++;
    else warnings++;
    sink.add('problems', problemRow(file, date, 'ss', p));
  };
  let messages = 0;
  let beacons = 0;
  try {
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const p of pending.splice(0)) problem(p);
      for (const item of batch) {
        if (item.kind === 'beacon') {
          beacons++;
          sink.add('beacons', [
            file,
            date,
            item.offset,
            item.index,
            item.remainingMessageBytes,
            item.size,
            markersText(item),
          ]);
          continue;
        }
        messages++;
        const m: SeaStreamerMessage = item;
        sink.add('messages', [
          file,
          date,
          m.offset,
          m.streamKey,
          m.shardId,
          m.seqNo,
          m.timestamp,
          m.payload.length,
          m.checksum,
          m.checksumOk ?? null,
          m.isEos,
          m.payload,
        ]);
      }
      const w = sink.flush?.();
      if (w) await w;
    }
  } finally {
    await reader.close();
  }
  for (const p of pending.splice(0)) problem(p);
  const end = reader.end;
  const state = end?.state ?? 'eof';
  if (end && state === 'truncated') {
    problem({
      offset: end.offset,
      code: 'TRUNCATED',
      severity: 'error',
      message: `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message`,
    });
  }
  const complete = errors === 0 && state !== 'truncated';
  sink.add('files', [
    file,
    date,
    'ss',
    options.size,
    1,
    header.fileName,
    header.createdAt,
    header.beaconInterval,
    header.paddingOk,
    null,
    messages,
    beacons,
    state,
    end?.offset,
    end?.trailingBytes,
    errors,
    warnings,
    errors + warnings,
    complete,
  ]);
  const w = sink.flush?.();
  if (w) await w;
  return { file, format: 'ss', records: messages, errors, warnings, endState: state, complete };
}
