/**
 * Writes records as NDJSON (one per line) or as one JSON array (`--format json`), through the buffered sink.
 *
 * @module
 */
import type { OutputSink } from './sink.js';

/** Record output in `ndjson` or `json` (array) form. */
export class RecordStream {
  private count = 0;

  constructor(
    private readonly out: OutputSink,
    readonly mode: 'ndjson' | 'json',
  ) {}

  /** Writes one record given as its JSON text. Returns a promise when the caller should wait (backpressure). */
  write(json: string): Promise<void> | undefined {
    if (this.mode === 'ndjson') return this.out.write(`${json}\n`);
    const prefix = this.count++ === 0 ? '[\n  ' : ',\n  ';
    return this.out.write(prefix + json);
  }

  /** Closes the array in `json` mode. */
  finish(): Promise<void> | undefined {
    if (this.mode === 'ndjson') return undefined;
    return this.out.write(this.count === 0 ? '[]\n' : '\n]\n');
  }
}
