// The only place the tests call @x/moqtrace's reading and writing functions (renamed by the contract change).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace, type TraceEvent, type TraceHeader, writeTrace } from '@x/moqtrace';
import { renderEventJson } from '@x/moqtrace/ndjson';

/** A `.moqtrace` file read whole: segments with headers and events, and whether it is complete. */
export interface MoqtraceFile {
  segments: { header: TraceHeader; events: TraceEvent[] }[];
  events: TraceEvent[];
  complete: boolean;
}

/** Reads `.moqtrace` bytes (throws for files that cannot be opened). */
export function readMoqtrace(bytes: Uint8Array): MoqtraceFile {
  const result = readTrace(bytes);
  return {
    segments: result.segments.map((segment) => ({ header: segment.header, events: segment.events })),
    events: result.events,
    complete: result.end.complete,
  };
}

/** Encodes one segment as `.moqtrace` bytes. */
export function encodeMoqtrace(header: TraceHeader, events: TraceEvent[]): Uint8Array {
  return writeTrace({ header, events });
}

/** Canonical renderings (what `xtrace cat --format events` prints), one per event. */
export function renderings(events: readonly TraceEvent[]): string[] {
  return events.map((event) => renderEventJson(event));
}

/** Root of the shared fixtures: X_FIXTURES_DIR or ../shared/fixtures beside the repository. */
export const FIXTURES_ROOT =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

/** The `.moqtrace` files of a corpus (full paths), or an empty list when it is absent. */
export function corpusFiles(name: 'moqtrace' | 'moqtrace-v2'): { dir: string; present: boolean; files: string[] } {
  const dir = join(FIXTURES_ROOT, name);
  if (!existsSync(dir)) return { dir, present: false, files: [] };
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.moqtrace'))
    .sort()
    .map((file) => join(dir, file));
  return { dir, present: true, files };
}

/** Bytes of a file. */
export function loadBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
