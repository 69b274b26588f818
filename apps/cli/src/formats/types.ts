/**
 * The one per-format adapter interface the commands are written against. An adapter (`.ss`, `.moqtrace`,
 * qlog) opens and streams records, builds the `info` and `stats` reports and the `validate` verdict
 * incrementally, filters and renders records in every output format of `cat`, converts, and annotates bytes
 * for `hexdump`; all format knowledge comes from the libraries. The commands only loop: open, feed each
 * batch of records to what the adapter built, print.
 *
 * @module
 */
import type { Context, Problem } from '../context.js';
import type { TraceFormat } from '../input/detect.js';
import type { Input, TraceInput } from '../input/input.js';
import type { TableSpec } from '../output/table.js';

export type { Problem } from '../context.js';

/** A record of any format: what it is and where it starts. */
export interface RecordBase {
  /** `message`, `beacon`, `event`, `segment`, ... */
  readonly kind: string;
  /** Byte offset of the record in the input. */
  readonly offset: number;
}

/** How a read ended, the same for every format (the `ReadEnd` of `@x/binary` plus counts). */
export interface ReadOutcome {
  /** `eof`, `eos`, `truncated`, `limit`, `aborted`, `removed`, `idle`. */
  readonly state: string;
  /** Where reading stopped. */
  readonly offset: number;
  /** Bytes after `offset` that were not read as records. */
  readonly trailingBytes: number;
  /** Error problems met. */
  readonly errors: number;
  /** Warnings met. */
  readonly warnings: number;
  /** True when the input was read to its end without an error problem. */
  readonly complete: boolean;
  /** What was read, by plural noun, in display order: `{ messages, beacons }`, `{ segments, events }`. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Options of {@link Adapter.open}. */
export interface ReadOptions {
  /** Also hand out the structural records: beacons (`.ss`), segment starts (`.moqtrace`, qlog). */
  readonly structure?: boolean;
  /** Every check the format has (running checksums, decoration bytes, key rules): for `validate`. */
  readonly thorough?: boolean;
  /** Follow a growing file until Ctrl-C (the run's signal), end of stream or removal. */
  readonly follow?: boolean;
  /** With `follow`: wait for a file that does not exist yet. */
  readonly waitForFile?: boolean;
  /** Every problem as it is found (truncation included), in file order with the records. */
  readonly onProblem: (problem: Problem) => void;
}

/** An open streaming read. */
export interface Reading<R extends RecordBase> {
  /** The next records in file order, or `null` at the end. */
  nextBatch(): Promise<readonly R[] | null>;
  /** Bytes read so far (progress). */
  readonly position: number;
  /** How the read ended; call after `nextBatch` returned `null`. */
  outcome(): ReadOutcome;
  /**
   * Stops reading after `last` (a record of the latest batch; `undefined` when none was taken) and returns the
   * outcome with state `limit`: where reading stopped and the counts up to there.
   */
  stop(last: R | undefined): Promise<ReadOutcome>;
  /** Releases the input (safe to call twice). */
  close(): Promise<void>;
}

/** A report printed by `info` and `stats`: JSON for `--json`, text parts otherwise. */
export interface Report {
  /** The `--json` object. */
  readonly json: Record<string, unknown>;
  /** A first line (stats). */
  readonly heading?: string;
  /** Key/value lines (info). */
  readonly fields?: readonly (readonly [string, string])[];
  /** Tables, in order. */
  readonly tables: readonly TableSpec[];
  /** Lines after the tables. */
  readonly notes?: readonly string[];
}

/** Builds a report from the records of one read (memory bounded by streams, types and requests, not records). */
export interface ReportBuilder<R extends RecordBase> {
  /** Adds a record. */
  add(record: R): void;
  /** The report once the read ended. */
  report(outcome: ReadOutcome): Report;
}

/** Checks `validate` makes beyond the reader's own problems (stream-key rules, data after EOS, ...). */
export interface RecordChecker<R extends RecordBase> {
  /** Checks a record; problems go to the `onProblem` the checker was made with. */
  add(record: R): void;
}

/** Options of `cat` an adapter interprets (filters and renderings), as commander parses them. */
export interface CatOptions {
  /** `--format` (default: table on a terminal, ndjson otherwise). */
  readonly format?: CatFormat;
  /** `--stream KEY` (`.ss`). */
  readonly stream?: string;
  /** `--shard N` (`.ss`), a u64 as text. */
  readonly shard?: string;
  /** `--type NAME|N` (event formats). */
  readonly type?: string;
  /** `--direction` (event formats). */
  readonly direction?: 'tx' | 'rx';
  /** `--from TIME`. */
  readonly from?: string;
  /** `--to TIME`. */
  readonly to?: string;
  /** `--limit N`: records printed at most. */
  readonly limit?: number;
  /** `--payload`. */
  readonly payload: PayloadMode;
  /** `--bytes` (event formats). */
  readonly bytes: 'hex' | 'base64';
  /** `--beacons` (`.ss`). */
  readonly beacons?: boolean;
  /** `--follow`. */
  readonly follow?: boolean;
  /** `--wait` (with `--follow`). */
  readonly wait?: boolean;
}

/** `--payload` rendering, one rule for every format. */
export type PayloadMode = 'auto' | 'text' | 'hex' | 'base64' | 'none';

/** Output formats of `cat`. */
export type CatFormat = 'ndjson' | 'json' | 'table' | 'log' | 'events' | 'ss-decode-log' | 'ss-decode-ndjson';

/** The record filter of `cat`. */
export interface RecordFilter<R extends RecordBase> {
  /** True when the record is printed. */
  matches(record: R): boolean;
  /** After the read: a usage problem to report (a stream that is not in the file, with the ones that are). */
  finish(): string | undefined;
}

/**
 * Renders records. `records` renderers give the JSON text of each record (the command frames them as NDJSON
 * or a JSON array); `text` renderers give lines (table, log, events) with their newline.
 */
export interface Renderer<R extends RecordBase> {
  /** `records` (JSON texts) or `text` (ready lines). */
  readonly mode: 'records' | 'text';
  /** What comes before the first record (the `.ss` header record, the table header). */
  start(): string[];
  /** The record's output, or `undefined` when it prints nothing (a beacon without `--beacons`). */
  record(record: R): string | undefined;
  /** The output of a problem met (an `error` record), or `undefined`. */
  problem(problem: Problem): string | undefined;
  /** The last output (the `end` record, the footer). */
  end(outcome: ReadOutcome): string | undefined;
}

/** Output formats of `convert`. */
export type OutputFormat = 'ndjson' | 'ss' | 'moqtrace' | 'qlog';

/** Where and how `convert` writes. */
export interface ConvertTarget {
  /** Output format. */
  readonly format: OutputFormat;
  /** Output path, or `-` for stdout. */
  readonly path: string;
  /** `--interval` (`.ss` output). */
  readonly interval?: number;
  /** `--version` (`.moqtrace` output). */
  readonly version: 'auto' | '1' | '2';
  /** qlog output: JSON-SEQ (`.sqlog`) or contained JSON (`.qlog`). */
  readonly qlogFormat: 'json-seq' | 'contained';
  /** qlog output: `--draft`. */
  readonly draft?: 6 | 7;
  /** qlog output: `--generic`. */
  readonly generic?: boolean;
  /** qlog output: `--qvis`. */
  readonly qvis?: boolean;
  /** On failure, keep what was written, marked as incomplete (`--keep-partial`). */
  readonly keepPartial?: boolean;
  /** NDJSON input: skip invalid lines (reporting each) instead of stopping. */
  readonly skipInvalidLines?: boolean;
}

/** A labelled byte range for `hexdump`. */
export interface Region {
  /** First byte. */
  start: number;
  /** One past the last byte. */
  end: number;
  /** Annotation (escaped when printed). */
  label: string;
  /** Kind, for colouring. */
  kind: 'header' | 'frame' | 'payload' | 'beacon' | 'event' | 'tail';
}

/** The adapter of one format: `R` its records, `Rd` its reading (the shared one plus its header). */
export interface Adapter<R extends RecordBase = RecordBase, Rd extends Reading<R> = Reading<R>> {
  /** The format. */
  readonly format: TraceFormat;
  /** Its name in messages (`.ss`, `.moqtrace`, `qlog`). */
  readonly label: string;
  /** The `cat --format` values it renders. */
  readonly catFormats: readonly CatFormat[];
  /** The `convert` output formats it writes. */
  readonly targets: readonly OutputFormat[];
  /** Opens a streaming read of the input. */
  open(ctx: Context, input: TraceInput, options: ReadOptions): Promise<Rd>;
  /** The `info` report builder. */
  info(input: TraceInput, reading: Rd): ReportBuilder<R>;
  /** The `stats` report builder. */
  stats(input: TraceInput, reading: Rd): ReportBuilder<R>;
  /** The extra checks of `validate`. */
  checker(onProblem: (problem: Problem) => void): RecordChecker<R>;
  /** The `cat` filter (throws `USAGE` for options that do not apply to the format). */
  filter(options: CatOptions): RecordFilter<R>;
  /** The `cat` renderer of a format in {@link Adapter.catFormats} (except the ones of {@link Adapter.catItself}). */
  renderer(ctx: Context, input: TraceInput, reading: Rd, format: CatFormat, options: CatOptions): Renderer<R>;
  /** `cat` formats the adapter runs from end to end itself (the reference decoder's formats of `.ss`). */
  catItself?(ctx: Context, input: TraceInput, format: CatFormat, options: CatOptions): Promise<boolean>;
  /** Converts NDJSON records of this format (the output of `cat`/`convert`) back into a file. */
  importNdjson(ctx: Context, input: Input, target: ConvertTarget): Promise<void>;
  /** Converts the input (the target's format is one of {@link Adapter.targets}). */
  convert(ctx: Context, input: TraceInput, target: ConvertTarget): Promise<void>;
  /** Annotated regions of the input's bytes overlapping `[from, to)`, for `hexdump`; problems go to `onProblem`. */
  regions(
    input: TraceInput,
    bytes: Uint8Array,
    from: number,
    to: number,
    onProblem: (problem: Problem) => void,
  ): Promise<Region[]>;
}
