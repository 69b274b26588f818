import { decodeItem, encode, toCDDL } from '@x/cbor-schema';
import { describe, expect, it } from 'vitest';
import { readTrace, traceEventSchema, traceHeaderSchema, writeTrace } from '../src/index.js';
import { corpus, loadBytes, skipWithout } from './helpers/fixtures.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

describe('cbor-schema schemas', () => {
  it('render CDDL with wire keys and friendly names', () => {
    const cddl = `${toCDDL(traceHeaderSchema)}\n${toCDDL(traceEventSchema)}`;
    expect(cddl).toMatch(/header = \{/);
    expect(cddl).toMatch(/sid: uint, ; streamId/);
    expect(cddl).toMatch(/e: 10, ; type/);
    expect(cddl).toMatch(/subscription-ref = \[tstr, uint\]/);
    expect(cddl).toMatch(/\? custom: \{ \* tstr => any \},/);
    expect(cddl).toMatch(
      /peer-connected-event = \{\n {2}n: uint, ; seq\n {2}t: int, ; timestamp\n {2}p: tstr, ; peer\n/,
    );
  });

  it("are what the reader and writer use: decodeItem gives the reader's events and headers", () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(16) });
    const result = readTrace(bytes);
    const segment = result.segments[0]!;
    const header = decodeItem(traceHeaderSchema, bytes, 16);
    expect(header.ok).toBe(true);
    expect(header.value).toEqual(segment.header);
    segment.events.forEach((event, i) => {
      const decoded = decodeItem(traceEventSchema, bytes, segment.eventOffsets[i]);
      expect(decoded.ok).toBe(true);
      expect(decoded.value).toEqual(event);
    });
  });

  const { dir, present } = corpus('moqtrace-v2');
  it.skipIf(skipWithout({ present }))('agree with the reader on every event of v2-basic and v2-tag64', () => {
    for (const name of ['v2-basic', 'v2-tag64', 'v2-float-ints']) {
      const bytes = loadBytes(dir, name);
      const segment = readTrace(bytes).segments[0]!;
      segment.events.forEach((event, i) => {
        const decoded = decodeItem(traceEventSchema, bytes, segment.eventOffsets[i]);
        expect(decoded.ok, `${name} event ${i}`).toBe(true);
        expect(decoded.value, `${name} event ${i}`).toEqual(event);
      });
    }
  });

  it('encode the same bytes as the writer for a simple event', () => {
    const event = sampleEvents(3)[2]!;
    const viaSchema = encode(traceEventSchema, event, { mapTag: true, wtf8: true });
    const bytes = writeTrace({ header: HEADER, events: [event] });
    const offset = readTrace(bytes).segments[0]!.eventOffsets[0]!;
    expect(viaSchema).toEqual(bytes.subarray(offset));
  });
});
