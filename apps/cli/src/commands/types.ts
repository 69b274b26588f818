/**
 * Types shared by the commands and their per-format implementations (`cat-moqtrace.ts`, `moqtrace-commands.ts`),
 * which the command modules load lazily: kept here so that neither side imports the other.
 *
 * @module
 */
import type { PayloadMode } from '@x/seastreamer-file/ndjson';

/** Output formats of `cat`. */
export type CatFormat = 'ndjson' | 'events' | 'json' | 'table' | 'log' | 'ss-decode-log' | 'ss-decode-ndjson';

/** Options of `cat` (as commander parses them). */
export interface CatOptions {
  format?: CatFormat;
  stream?: string;
  shard?: string;
  type?: string;
  direction?: 'tx' | 'rx';
  from?: string;
  to?: string;
  limit?: number;
  payload: PayloadMode;
  bytes: 'hex' | 'base64';
  beacons?: boolean;
  follow?: boolean;
}

/** Options of `convert`. */
export interface ConvertOptions {
  to?: 'ndjson' | 'ss' | 'moqtrace';
  interval?: number;
  version: 'auto' | '1' | '2';
  skipInvalidLines?: boolean;
}

/** A parsed NDJSON record with its line number. */
export type NdjsonRecord = Record<string, unknown> & { kind?: unknown; line: number };

/** A labelled byte range of the file. */
export interface Region {
  /** First byte. */
  start: number;
  /** One past the last byte. */
  end: number;
  /** Annotation. */
  label: string;
  /** Kind, for colouring. */
  kind: 'header' | 'frame' | 'payload' | 'beacon' | 'event' | 'tail';
}

/** One problem found by validation. */
export interface ValidationProblem {
  code: string;
  offset: number | undefined;
  message: string;
  severity: 'error' | 'warning';
}

/** The validation result of one file. */
export interface ValidationResult {
  file: string;
  format: 'ss' | 'moqtrace' | undefined;
  ok: boolean;
  problems: ValidationProblem[];
  counts: Record<string, number>;
  end: { state: string; offset: number } | undefined;
}
