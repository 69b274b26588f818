import { describe, expect, it } from 'vitest';
import { corpusPresent, corpusRequired, fixtureNames, readExpected, seastreamerDir } from './helpers.js';

// The conformance suites read the shared corpus in place. Under CI it is required: its absence fails here (and in
// every suite that needs it) instead of skipping.
describe('conformance corpus', () => {
  it('is present with its 25 files and their expected.json (required when CI=true)', () => {
    if (!corpusRequired && !corpusPresent) {
      console.warn(`[seastreamer-file conformance] corpus missing at ${seastreamerDir} (suites skipped)`);
      return;
    }
    expect(corpusPresent, seastreamerDir).toBe(true);
    const names = fixtureNames();
    expect(names).toHaveLength(25);
    for (const name of names) expect(readExpected(name).fixture, name).toBe(`${name}.ss`);
  });
});
