/**
 * The tables of every input file: `files` (one row per file) and `problems` (every problem of every file).
 *
 * @module
 */
import { defineTable, fileColumns, msTimestamp, type TableSpec } from './types.js';

/** `files`: one row per input file, both formats. */
export const FILES: TableSpec = defineTable({
  name: 'files',
  format: 'any',
  row: 'one input file (also one that could not be opened)',
  columns: [
    ...fileColumns(),
    {
      name: 'format',
      type: 'VARCHAR',
      nullable: true,
      description: '`ss` or `moqtrace`; NULL when the first bytes are neither.',
    },
    { name: 'size', type: 'UBIGINT', nullable: true, unit: 'bytes', description: 'File size, when known.' },
    {
      name: 'version',
      type: 'UINTEGER',
      nullable: true,
      description: 'Format version (`.ss`: 1; `.moqtrace`: of the first preamble).',
    },
    {
      name: 'file_name',
      type: 'VARCHAR',
      nullable: true,
      description: '`.ss`: the file name stored in the header (informational).',
    },
    {
      name: 'created_at',
      type: 'TIMESTAMP_MS',
      nullable: true,
      unit: 'ms precision, UTC',
      description: '`.ss`: header created-at time; `.moqtrace`: first startTime.',
      expression: msTimestamp('created_at_ms'),
    },
    {
      name: 'created_at_ms',
      type: 'UBIGINT',
      nullable: true,
      unit: 'ms since the Unix epoch',
      description: 'The same, as stored.',
    },
    {
      name: 'beacon_interval',
      type: 'UINTEGER',
      nullable: true,
      unit: 'bytes',
      description: '`.ss`: beacon interval.',
    },
    {
      name: 'padding_ok',
      type: 'BOOLEAN',
      nullable: true,
      description: '`.ss`: header padding as written by the reference.',
    },
    { name: 'segments', type: 'UINTEGER', nullable: true, description: '`.moqtrace`: segments found.' },
    {
      name: 'records',
      type: 'UBIGINT',
      nullable: false,
      description: 'Messages (`.ss`) or events (`.moqtrace`) read.',
    },
    { name: 'beacons', type: 'UBIGINT', nullable: true, description: '`.ss`: complete beacons read.' },
    {
      name: 'end_state',
      type: 'VARCHAR',
      nullable: false,
      description: 'How reading ended: `eof`, `eos`, `truncated`, ... or `unreadable` (the file could not be opened).',
    },
    {
      name: 'end_offset',
      type: 'UBIGINT',
      nullable: true,
      unit: 'bytes',
      description: 'Offset where reading ended (where the incomplete tail starts when truncated).',
    },
    {
      name: 'trailing_bytes',
      type: 'UBIGINT',
      nullable: true,
      unit: 'bytes',
      description: 'Bytes after `end_offset` that hold no complete record.',
    },
    {
      name: 'errors',
      type: 'UBIGINT',
      nullable: false,
      description: 'Problems of severity error (rows in `problems`).',
    },
    { name: 'warnings', type: 'UBIGINT', nullable: false, description: 'Problems of severity warning.' },
    { name: 'problems', type: 'UBIGINT', nullable: false, description: 'errors + warnings.' },
    {
      name: 'complete',
      type: 'BOOLEAN',
      nullable: false,
      description: 'True when the file was read to its end without an error problem.',
    },
  ],
});

/** `problems`: every problem found in every file. */
export const PROBLEMS: TableSpec = defineTable({
  name: 'problems',
  format: 'any',
  row: "one problem found while reading a file (the readers' problems, a truncated end, a file that cannot be opened)",
  columns: [
    ...fileColumns(),
    {
      name: 'format',
      type: 'VARCHAR',
      nullable: true,
      description: '`ss`, `moqtrace`, or NULL for a file of neither format.',
    },
    {
      name: 'offset',
      type: 'UBIGINT',
      nullable: true,
      unit: 'bytes',
      description: 'Byte offset of the problem, when known.',
    },
    { name: 'segment', type: 'UINTEGER', nullable: true, description: '`.moqtrace`: segment concerned.' },
    {
      name: 'code',
      type: 'VARCHAR',
      nullable: false,
      description:
        'Stable UPPER_SNAKE code (`CHECKSUM_MISMATCH`, `TRUNCATED`, `MALFORMED_EVENT`, `UNKNOWN_FORMAT`, ...).',
    },
    { name: 'severity', type: 'VARCHAR', nullable: false, description: '`error` or `warning`.' },
    { name: 'message', type: 'VARCHAR', nullable: false, description: 'What is wrong.' },
  ],
});
