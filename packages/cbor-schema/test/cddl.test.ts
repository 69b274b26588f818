import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { c, toCDDL } from '../src/index.js';

// A moqtrace-like sample: header struct with a named sub-map, and an event union.
const segment = c
  .struct({
    sequence: c.uint(),
    durationMs: c.field('durationMs', c.uint()).optional(),
    continues: c.field('continues', c.bool()).optional(),
  })
  .named('segment');
const header = c.struct({
  protocol: c.text(),
  perspective: c.text(),
  startTime: c.uint({ bigint: 'never' }),
  segment: c.field('segment', segment).optional(),
  custom: c.field('custom', c.record(c.text(), c.any())).optional(),
});
const base = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});
const event = c.union(base, 'type', {
  0: c
    .struct({
      direction: c.field('d', c.enum([0, 1])),
      message: c.field('msg', c.any()).optional(),
      raw: c.field('raw', c.bytes()).optional(),
    })
    .named('control'),
  10: c.struct({
    upstream: c.field('u', c.tuple([c.text(), c.uint()])),
    downstream: c.field('d', c.array(c.tuple([c.text(), c.uint()]))),
    traceId: c.field('traceId', c.bytes({ size: 16 })).optional(),
    rate: c.field('r', c.float()).nullable().optional(),
    flags: c.field(1, c.uint({ max: 255 })).optional(),
  }),
});

describe('toCDDL', () => {
  it('renders the sample schema like the golden file', () => {
    const text = `${toCDDL(header, { name: 'header' })}\n${toCDDL(event, { name: 'event' })}`;
    const golden = readFileSync(new URL('./golden/sample.cddl', import.meta.url), 'utf8');
    expect(text).toBe(golden);
  });

  it('names the root after named() and renders scalars', () => {
    expect(toCDDL(c.uint().named('id'))).toBe('id = uint\n');
    expect(toCDDL(c.literal('x'))).toBe('root = "x"\n');
    expect(toCDDL(c.array(c.int(), { min: 1 }))).toBe('root = [+ int]\n');
    expect(toCDDL(c.text().nullable())).toBe('root = tstr / null\n');
  });
});
