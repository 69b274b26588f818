import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrace, writeTrace } from '@x/moqtrace';
import { describe, expect, it } from 'vitest';
import { corpus, parseNdjson, tempDir, xtrace } from './helpers.js';

const v1 = corpus('moqtrace');
const v2 = corpus('moqtrace-v2');

const ROUND_TRIP = [
  ['moqtrace', 'all-event-types-full'],
  ['moqtrace', 'bigint-and-wide-integers'],
  ['moqtrace', 'byte-string-encodings'],
  ['moqtrace', 'annotation-nested-data'],
  ['moqtrace', 'payload-1mib'],
  ['moqtrace-v2', 'v2-basic'],
  ['moqtrace-v2', 'v2-segmented'],
  ['moqtrace-v2', 'v2-extra-keys'],
  ['moqtrace-v2', 'v2-header-extra'],
  ['moqtrace-v2', 'v2-unknown-event'],
] as const;

describe.skipIf(!v1.present || !v2.present)(`.moqtrace NDJSON round trip (${v1.dir}, ${v2.dir})`, () => {
  it.each(ROUND_TRIP)(
    '%s/%s: .moqtrace -> NDJSON -> .moqtrace equals the direct normal-form rewrite',
    async (dir, name) => {
      const { dir: folder } = dir === 'moqtrace' ? v1 : v2;
      const { dir: tmp, cleanup } = tempDir();
      try {
        const file = join(folder, `${name}.moqtrace`);
        const nd = join(tmp, 'a.ndjson');
        const viaNd = join(tmp, 'b.moqtrace');
        const direct = join(tmp, 'c.moqtrace');
        expect((await xtrace(['convert', file, nd])).code).toBe(0);
        expect((await xtrace(['convert', nd, viaNd])).code).toBe(0);
        expect((await xtrace(['convert', file, direct, '--to', 'moqtrace'])).code).toBe(0);
        expect(readFileSync(viaNd).equals(readFileSync(direct))).toBe(true);
        const original = parseNdjson((await xtrace(['cat', file, '--format', 'events'])).stdout);
        const back = parseNdjson((await xtrace(['cat', viaNd, '--format', 'events'])).stdout);
        expect(back.length).toBe(original.length);
        expect(back.map((e) => [e.type, e.seq, e.timestamp])).toEqual(
          original.map((e) => [e.type, e.seq, e.timestamp]),
        );
      } finally {
        cleanup();
      }
    },
  );
});

describe.skipIf(!v1.present || !v2.present)('.moqtrace normal form, streamed segment by segment', () => {
  const files = [v1, v2].flatMap(({ dir }) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.moqtrace'))
      .map((f) => join(dir, f)),
  );
  it('convert writes what writeTrace writes for every readable corpus file, for --version auto, 1 and 2', {
    timeout: 300_000,
  }, async () => {
    const { dir: tmp, cleanup } = tempDir();
    let compared = 0;
    try {
      for (const file of files) {
        let trace: ReturnType<typeof readTrace>;
        try {
          trace = readTrace(new Uint8Array(readFileSync(file)));
        } catch {
          continue; // not a readable trace (bad magic, unsupported version)
        }
        if (trace.segments.length === 0 || trace.problems.some((p) => p.severity === 'error')) continue;
        for (const version of ['auto', '1', '2'] as const) {
          let expected: Uint8Array;
          try {
            expected = writeTrace(trace, { version: version === 'auto' ? 'auto' : version === '1' ? 1 : 2 });
          } catch {
            const r = await xtrace(['convert', file, join(tmp, 'refused.moqtrace'), '--version', version]);
            expect(r.code, `${file} --version ${version}`).toBe(2);
            continue;
          }
          const out = join(tmp, 'out.moqtrace');
          const r = await xtrace(['convert', file, out, '--version', version]);
          expect(r.code, `${file} --version ${version}`).toBe(0);
          expect(readFileSync(out).equals(Buffer.from(expected)), `${file} --version ${version}`).toBe(true);
          compared++;
        }
      }
    } finally {
      cleanup();
    }
    expect(compared).toBeGreaterThan(files.length);
  });
});
