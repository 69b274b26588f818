import { describe, expect, it } from 'vitest';
import { CORPUS_REQUIRED, corpus, fixtureNames, loadExpected } from './helpers/fixtures.js';

// The conformance suites read the shared corpora in place. Under CI they are required: their absence fails here
// (and in every suite that needs them) instead of skipping.
describe('conformance corpora', () => {
  const corpora = [corpus('moqtrace'), corpus('moqtrace-v2')];

  it('are present, each with a .moqtrace file and its expected.json (required when CI=true)', () => {
    const missing = corpora.filter((c) => !c.present).map((c) => c.dir);
    if (!CORPUS_REQUIRED && missing.length > 0) {
      console.warn(`[moqtrace conformance] corpora missing (suites skipped): ${missing.join(', ')}`);
      return;
    }
    expect(missing).toEqual([]);
    for (const c of corpora) {
      const names = fixtureNames(c.dir);
      expect(names.length, c.dir).toBeGreaterThan(10);
      for (const name of names) expect(loadExpected(c.dir, name), `${name}.expected.json`).toBeTypeOf('object');
    }
  });
});
