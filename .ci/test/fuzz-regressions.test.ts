// The regression corpus (fuzz/regressions.mjs): the input of every defect of issue 11 and of every defect pnpm fuzz
// found, made by the project's writers, through the fuzz target that reads it, with the fuzzer's invariants (a
// typed error with code and offset or a clean result, the same verdict on every read path and chunking, random
// access agreeing with sequential reading, nothing skipped silently), then the defect's own check. Cases marked
// `cli` also go through the built xtrace command. The inputs for which the old code was quadratic take minutes
// there and seconds here: the per-test timeout is their bound (no speed is measured).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectTargets } from '../../fuzz/lib/cases.mjs';
import { runOnce } from '../../fuzz/lib/execute.mjs';
import { XTRACE } from '../../fuzz/lib/targets/cli.mjs';
import { regressionCases } from '../../fuzz/regressions.mjs';

const cases = regressionCases();
const targetOf = (name: string) => (selectTargets([name]) as [[{ name: string }]])[0][0];

describe('the regression corpus', () => {
  it('has a case for every defect of issue 11', () => {
    const defects = new Set(cases.map((c) => c.defect));
    for (let defect = 1; defect <= 10; defect++) expect(defects.has(defect), `defect ${defect}`).toBe(true);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.title}`, async () => {
      // The chunkings that showed the defect, else three random ones.
      const runs: { chunkSize?: number; seed: number }[] = c.chunkSizes
        ? c.chunkSizes.map((chunkSize: number) => ({ chunkSize, seed: 1 }))
        : [1, 2, 3].map((seed) => ({ seed }));
      for (const { chunkSize, seed } of runs) {
        const result = await runOnce(targetOf(c.target), c.bytes, seed, c.family, { chunkSize });
        expect(result.finding?.message, `${c.target}, chunks ${chunkSize ?? `random #${seed}`}`).toBeUndefined();
      }
      await c.check?.(c.bytes);
    }, 300_000);
  }
});

describe('the regression corpus through xtrace', () => {
  it('runs the built command line (pnpm build)', () => {
    expect(existsSync(XTRACE) && existsSync(new URL('../../apps/cli/dist/cli.js', import.meta.url)), XTRACE).toBe(true);
  });

  for (const c of cases.filter((x) => x.cli)) {
    it(`${c.id}: exit 0 or 1, no internal error, records and end as the libraries read them, no partial output`, async () => {
      const result = await runOnce(targetOf('cli'), c.bytes, 1, c.family);
      expect(result.finding?.message).toBeUndefined();
    }, 120_000);
  }
});
