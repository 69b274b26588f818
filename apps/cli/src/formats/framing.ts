/**
 * What every format's `cat` output shares: NDJSON or JSON-array framing of record texts, and the one footer
 * shape of the table and log outputs.
 *
 * @module
 */
import { counts, problemCounts } from '../output/text.js';
import type { ReadOutcome } from './types.js';

/** Frames record JSON texts as NDJSON lines or as one indented JSON array. */
export class RecordFraming {
  private count = 0;

  constructor(private readonly mode: 'ndjson' | 'json') {}

  /** The text of one record. */
  record(json: string): string {
    if (this.mode === 'ndjson') return `${json}\n`;
    return `${this.count++ === 0 ? '[\n  ' : ',\n  '}${json}`;
  }

  /** What closes the output (the array's end in `json` mode). */
  finish(): string {
    if (this.mode === 'ndjson') return '';
    return this.count === 0 ? '[]\n' : '\n]\n';
  }
}

/**
 * The footer of `cat --format table|log` for every format:
 * `# end: eof at offset 1837, 1 segment, 20 events; no problems`.
 */
export function footer(outcome: ReadOutcome): string {
  const what = counts(outcome.counts);
  return `# end: ${outcome.state} at offset ${outcome.offset}${what ? `, ${what}` : ''}; ${problemCounts(outcome.errors, outcome.warnings)}`;
}
