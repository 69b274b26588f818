import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
