import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../../src/index.js';
import { renderEventJson } from '../../src/ndjson/index.js';

/** Root of the shared fixtures: X_FIXTURES_DIR or ../shared/fixtures relative to the repo root. */
export const FIXTURES_ROOT =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

/**
 * Under CI (`CI=true`) the corpora are required: a suite that needs one fails without it instead of skipping (see
 * {@link skipWithout}, and `corpus.test.ts`).
 */
export const CORPUS_REQUIRED = process.env.CI === 'true';

/** A fixture corpus folder and whether it is present. */
export function corpus(name: 'moqtrace' | 'moqtrace-v2'): { dir: string; present: boolean } {
  const dir = join(FIXTURES_ROOT, name);
  const present = existsSync(dir);
  if (!present) console.warn(`[moqtrace conformance] fixture corpus missing: ${dir} (set X_FIXTURES_DIR)`);
  return { dir, present };
}

/** Whether a suite that needs these corpora is skipped: only outside CI, when one of them is absent. */
export function skipWithout(...corpora: { present: boolean }[]): boolean {
  return !CORPUS_REQUIRED && corpora.some((c) => !c.present);
}

/** Names (without extension) of the `.moqtrace` files of a corpus (under CI a missing corpus throws). */
export function fixtureNames(dir: string): string[] {
  if (!existsSync(dir) && !CORPUS_REQUIRED) return [];
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
