import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../../src/index.js';
import { renderEventJson } from '../../src/ndjson/index.js';

/** Root of the shared fixtures: X_FIXTURES_DIR or ../shared/fixtures relative to the repo root. */
export const FIXTURES_ROOT =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

/** A fixture corpus folder and whether it is present. */
export function corpus(name: 'moqtrace' | 'moqtrace-v2'): { dir: string; present: boolean } {
  const dir = join(FIXTURES_ROOT, name);
  const present = existsSync(dir);
  if (!present) console.warn(`[moqtrace conformance] fixture corpus missing: ${dir} (set X_FIXTURES_DIR)`);
  return { dir, present };
}

/** Names (without extension) of the `.moqtrace` files of a corpus. */
export function fixtureNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.moqtrace'))
    .map((file) => file.slice(0, -'.moqtrace'.length))
    .sort();
}

/** Bytes of a fixture. */
export function loadBytes(dir: string, name: string): Uint8Array {
  return readFileSync(join(dir, `${name}.moqtrace`));
}

/** Parsed expected.json of a fixture. */
// biome-ignore lint/suspicious/noExplicitAny: expected.json is free-form JSON
export function loadExpected(dir: string, name: string): any {
  return JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8'));
}

/** The canonical rendering of events, one line each with a trailing newline. */
export function renderLines(events: readonly TraceEvent[]): string {
  let out = '';
  for (const event of events) out += `${renderEventJson(event)}\n`;
  return out;
}

/** sha256 hex of a string (UTF-8). */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The rendered event as a plain JSON value (for deep comparison with expected.json). */
export function asJson(event: TraceEvent): unknown {
  return JSON.parse(renderEventJson(event));
}
