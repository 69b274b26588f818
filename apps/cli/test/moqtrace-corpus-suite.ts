import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjson, xtrace } from './helpers.js';

// spec §12.2: files where the project's reading intentionally differs from the reference reader
const INTENTIONAL = new Set(['empty-values', 'stray-break-byte', 'unknown-and-malformed-events']);

type Expected = Record<string, unknown> & {
  readMoqtrace?: unknown;
  eventsJsonlSha256?: string;
  eventCount?: number;
  events?: unknown[];
  eventTypeCounts?: Record<string, number>;
  preambles?: { offset: number; version: number; eventCount: number }[];
  segments?: { eventOffsets?: number[]; events?: unknown[] }[];
  truncation?: { offset: number; eventsDecoded: number } | null;
};

function files(dir: string, present: boolean): string[] {
  return present
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.moqtrace'))
        .map((f) => f.slice(0, -'.moqtrace'.length))
    : [];
}

function load(dir: string, name: string): Expected {
  return JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Defines the conformance tests of one `.moqtrace` corpus folder. */
export function defineMoqtraceCorpusSuite(label: string, c: { dir: string; present: boolean }): void {
  describe.skipIf(!c.present)(`.moqtrace ${label} corpus (${c.dir})`, () => {
    const names = files(c.dir, c.present);
    const comparable = names.filter((n) => !INTENTIONAL.has(n) && typeof load(c.dir, n).eventsJsonlSha256 === 'string');

    it.each(comparable)('sha256 of cat --format events equals eventsJsonlSha256 for %s', async (name) => {
      const exp = load(c.dir, name);
      const r = await xtrace(['cat', join(c.dir, `${name}.moqtrace`), '--format', 'events']);
      expect(sha256(r.stdoutBytes)).toBe(exp.eventsJsonlSha256);
      expect(
        r.stdout
          .split('\n')
          .filter(Boolean)
          .every((l) => l.startsWith('{"type":')),
      ).toBe(true);
    });

    it.each(comparable)('cat --format ndjson and info --json agree with %s.expected.json', async (name) => {
      const exp = load(c.dir, name);
      const file = join(c.dir, `${name}.moqtrace`);
      // --payload hex: the canonical rendering the expectations hold (auto shows printable payloads as text)
      const r = await xtrace(['cat', file, '--format', 'ndjson', '--payload', 'hex']);
      const records = parseNdjson(r.stdout);
      const events = records.filter((x) => x.kind === 'event');
      const headers = records.filter((x) => x.kind === 'header');
      expect(records.at(-1)!.kind).toBe('end');
      if (exp.events) {
        const rendered = events.map(({ kind: _k, offset: _o, segment: _s, derivationKind, ...rest }) =>
          derivationKind === undefined ? rest : { ...rest, kind: derivationKind },
        );
        expect(rendered).toEqual(exp.events);
      }
      if (exp.preambles) {
        expect(headers.map((h) => [h.offset, h.version])).toEqual(exp.preambles.map((p) => [p.offset, p.version]));
        exp.segments?.forEach((s, i) => {
          if (s.eventOffsets) {
            expect(events.filter((e) => e.segment === i).map((e) => e.offset)).toEqual(s.eventOffsets);
          }
        });
      }
      const truncated = exp.truncation != null;
      expect(records.at(-1)!.state).toBe(truncated ? 'truncated' : 'eof');
      expect(r.code).toBe(truncated ? 1 : 0);
      const info = JSON.parse((await xtrace(['info', file, '--json'])).stdout) as Record<string, unknown>;
      expect(info.format).toBe('moqtrace');
      expect(info.fileSize).toBe(exp.size);
      expect(info.eventCount).toBe(exp.eventCount ?? events.length);
      if (exp.eventTypeCounts) expect(info.counts).toEqual(exp.eventTypeCounts);
      if (exp.preambles) expect(info.segmentCount).toBe(exp.preambles.length);
    });

    const broken = names.filter((n) => load(c.dir, n).eventsJsonlSha256 === undefined || INTENTIONAL.has(n));
    it.each(broken)('reports problems in %s with a one-line error and exit 1', async (name) => {
      const r = await xtrace(['validate', join(c.dir, `${name}.moqtrace`)]);
      const v = await xtrace(['cat', join(c.dir, `${name}.moqtrace`), '--format', 'events']);
      expect(v.stderr).not.toMatch(/\n\s+at /);
      if (name === 'empty-values' || name === 'version-field-2') {
        expect(r.code).toBe(0);
        return;
      }
      expect(r.code).toBe(1);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(/^xtrace: .*: [A-Z_]+ at offset \d+: /);
    });
  });
}
