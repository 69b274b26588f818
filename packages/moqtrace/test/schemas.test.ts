import { decodeItem, encode } from '@x/cbor-schema';
import { describe, expect, it } from 'vitest';
import { encodeTrace, readTrace, traceCddl, traceEventSchema, traceHeaderSchema } from '../src/index.js';
import { corpus, loadBytes } from './helpers/fixtures.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

describe('cbor-schema schemas', () => {
  it('render CDDL with wire keys and friendly names', () => {
    const cddl = traceCddl();
    expect(cddl).toMatch(/header = \{/);
    expect(cddl).toMatch(/sid: uint, ; streamId/);
    expect(cddl).toMatch(/e: 10, ; type/);
    expect(cddl).toMatch(/subscription-ref = \[tstr, uint\]/);
  });

  it('decode what the writer writes with the same field values as the reader', () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(16) });
    const result = readTrace(bytes);
    const segment = result.segments[0]!;
    const header = decodeItem(traceHeaderSchema, bytes, 16);
    expect(header.ok).toBe(true);
    expect(header.value).toMatchObject({ protocol: HEADER.protocol, startTime: HEADER.startTime });
    segment.events.forEach((event, i) => {
      const decoded = decodeItem(traceEventSchema, bytes, segment.eventOffsets[i]);
      expect(decoded.ok).toBe(true);
      const { type: _t, extra: _x, ...fields } = event as unknown as Record<string, unknown>;
      expect(decoded.value).toMatchObject(fields);
    });
  });

  const { dir, present } = corpus('moqtrace-v2');
  it.skipIf(!present)('agree with the reader on every event of v2-basic and v2-tag64', () => {
    for (const name of ['v2-basic', 'v2-tag64', 'v2-float-ints']) {
      const bytes = loadBytes(dir, name);
      const segment = readTrace(bytes).segments[0]!;
      segment.events.forEach((event, i) => {
        const decoded = decodeItem(traceEventSchema, bytes, segment.eventOffsets[i]);
        expect(decoded.ok, `${name} event ${i}`).toBe(true);
        const value = decoded.value as Record<string, unknown>;
        for (const [key, v] of Object.entries(event)) {
          if (key === 'type' || key === 'extra' || key === 'upstream' || key === 'downstream') continue;
          expect(value[key], `${name} event ${i} ${key}`).toEqual(v);
        }
      });
    }
  });

  it('encode the same bytes as the writer for a simple event', () => {
    const event = sampleEvents(3)[2]!;
    const { type: _t, ...fields } = event as unknown as Record<string, unknown>;
    const viaSchema = encode(traceEventSchema, { ...fields, type: 3 } as never);
    const bytes = encodeTrace({ header: HEADER, events: [event] });
    const offset = readTrace(bytes).segments[0]!.eventOffsets[0]!;
    expect(viaSchema).toEqual(bytes.subarray(offset));
  });
});
