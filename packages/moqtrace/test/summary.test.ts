import { describe, expect, it } from 'vitest';
import {
  directionName,
  eventSummaryLine,
  formatMoqtVersion,
  objectStatusName,
  streamTypeName,
  summarizeEvent,
  valueText,
} from '../src/analysis/summary.js';
import type { TraceEvent } from '../src/index.js';

const enc = (text: string) => new TextEncoder().encode(text);
const base = { seq: 0, timestamp: 0 };

describe('summarizeEvent', () => {
  it('names a control message in upper case with its request id, namespace and track', () => {
    const event: TraceEvent = {
      ...base,
      type: 'control',
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: [enc('live')], track_name: enc('video') },
    };
    expect(summarizeEvent(event)).toEqual({ name: 'SUBSCRIBE', text: 'request_id=1 live/video' });
    expect(eventSummaryLine(event)).toBe('SUBSCRIBE request_id=1 live/video');
  });

  it('names by type id and draft when the message has no type, hex otherwise', () => {
    const event: TraceEvent = { ...base, type: 'control', direction: 1, messageType: 5, message: { request_id: 7n } };
    expect(eventSummaryLine(event, { draft: 14 })).toBe('SUBSCRIBE_ERROR request_id=7');
    expect(eventSummaryLine(event, { draft: 15 })).toBe('REQUEST_ERROR request_id=7');
    expect(summarizeEvent({ ...event, messageType: 0x2f00 }).name).toBe('0x2f00');
  });

  it('formats versions in setup messages and keeps reasons', () => {
    const setup: TraceEvent = {
      ...base,
      type: 'control',
      direction: 0,
      messageType: 0x20,
      message: { type: 'client_setup', supported_versions: [0xff00000e, 0xff00000d] },
    };
    expect(summarizeEvent(setup).text).toBe('versions=0xff00000e (draft-14),0xff00000d (draft-13)');
    const error: TraceEvent = {
      ...base,
      type: 'control',
      direction: 1,
      messageType: 5,
      message: { type: 'subscribe_error', request_id: 2, error_code: 4, reason_phrase: 'no such track' },
    };
    expect(summarizeEvent(error).text).toBe('request_id=2 error_code=4 reason_phrase=no such track');
  });

  it('shows a non-map message (a Rust Debug string) shortened, and an empty map as nothing', () => {
    const long = `Subscribe { ${'x'.repeat(300)} }`;
    const event: TraceEvent = { ...base, type: 'control', direction: 0, messageType: 3, message: long };
    const text = summarizeEvent(event).text;
    expect(text.length).toBe(121);
    expect(text.endsWith('…')).toBe(true);
    expect(summarizeEvent({ ...event, message: { type: 'goaway' } })).toEqual({ name: 'GOAWAY', text: '' });
  });

  it('describes stream, object and other events on one line', () => {
    const cases: [TraceEvent, string][] = [
      [
        { ...base, type: 'stream-opened', streamId: 4n, direction: 1, streamType: 0, trackAlias: 2n, subgroupId: 0n },
        'stream-opened stream 4 subgroup 0 alias 2 incoming',
      ],
      [{ ...base, type: 'stream-closed', streamId: 4n, errorCode: 0 }, 'stream-closed stream 4 closed cleanly'],
      [{ ...base, type: 'stream-closed', streamId: 4n, errorCode: 3 }, 'stream-closed stream 4 closed with error 3'],
      [
        {
          ...base,
          type: 'object-header',
          streamId: 4n,
          groupId: 1n,
          objectId: 9n,
          publisherPriority: 128,
          objectStatus: 1,
        },
        'object-header stream 4 group 1 object 9 priority 128 · end of group',
      ],
      [
        { ...base, type: 'object-payload', streamId: 4n, groupId: 1n, objectId: 9n, size: 1 },
        'object-payload stream 4 group 1 object 9 · 1 byte',
      ],
      [{ ...base, type: 'state-change', from: 'setup', to: 'ready' }, 'state-change ready setup → ready'],
      [
        { ...base, type: 'error', errorCode: 2, reason: 'bad', errorKind: 'decode', streamId: 8n },
        'error decode code 2 on stream 8: bad',
      ],
      [{ ...base, type: 'annotation', label: 'mark', data: { n: 1n } }, 'annotation mark {"n":"1"}'],
      [{ ...base, type: 'annotation', label: 'mark' }, 'annotation mark'],
      [
        { ...base, type: 'peer-connected', peer: 'p1', endpoint: '10.0.0.1:443', role: 'publisher' },
        'peer-connected p1 connected from 10.0.0.1:443 publisher',
      ],
      [{ ...base, type: 'peer-disconnected', peer: 'p1', errorCode: 0 }, 'peer-disconnected p1 disconnected (code 0)'],
      [
        {
          ...base,
          type: 'subscription-derivation',
          upstream: { peer: 'up', requestId: 3n },
          downstream: [
            { peer: 'a', requestId: 1n },
            { peer: 'b', requestId: 2n },
          ],
          kind: 'shared',
          namespace: [enc('live')],
          trackName: enc('audio'),
        },
        'subscription-derivation shared up#3 ← a#1, b#2 live/audio',
      ],
      [{ ...base, type: 'unknown', eventType: 99, fields: { z: 1 } }, 'unknown e=99 {"z":1}'],
    ];
    for (const [event, line] of cases) expect(eventSummaryLine(event)).toBe(line);
  });
});

describe('display names', () => {
  it('formats MoQT versions with their draft', () => {
    expect(formatMoqtVersion(4278190094)).toBe('0xff00000e (draft-14)');
    expect(formatMoqtVersion(0xff000007n)).toBe('0xff000007 (draft-07)');
    expect(formatMoqtVersion(1)).toBe('0x00000001');
  });

  it('names stream types, object statuses and directions, with the raw value outside the enumeration', () => {
    expect([0, 1, 2, 7].map(streamTypeName)).toEqual(['subgroup', 'datagram', 'fetch', 'type 7']);
    expect([0, 1, 2, 3, 9].map(objectStatusName)).toEqual([
      'normal',
      'end of group',
      'end of track',
      'does not exist',
      'status 9',
    ]);
    expect(directionName({ ...base, type: 'control', direction: 1, messageType: 3, message: {} })).toBe('received');
    expect(directionName({ ...base, type: 'stream-opened', direction: 0, streamId: 1n, streamType: 0 })).toBe(
      'outgoing',
    );
    expect(directionName({ ...base, type: 'control', direction: 5, messageType: 3, message: {} })).toBe('direction 5');
    expect(directionName({ ...base, type: 'state-change', from: 'a', to: 'b' })).toBeUndefined();
  });

  it('valueText joins namespace tuples and decodes bytes', () => {
    expect(valueText([enc('a'), 'b', enc('c')])).toBe('a/b/c');
    expect(valueText(undefined)).toBe('');
    expect(valueText(5n)).toBe('5');
    expect(valueText({ a: new Uint8Array(3) })).toBe('{"a":"<3 bytes>"}');
  });
});
