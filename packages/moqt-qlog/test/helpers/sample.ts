import type { TraceEvent, TraceHeader } from '@x/moqtrace';

export const HEADER: TraceHeader = {
  protocol: 'moq-transport-16',
  perspective: 'client',
  detail: 'headers+data',
  startTime: 1_767_225_600_000,
  source: 'qlog-tests',
  sessionId: 'session-1',
};

/** A small trace: control messages, a subgroup stream with objects (header + payload), state, error, annotation. */
export function sampleEvents(): TraceEvent[] {
  let seq = 0;
  const t = (ms: number) => ({ seq: seq++, timestamp: ms * 1000 });
  return [
    {
      ...t(0),
      type: 'control',
      direction: 0,
      messageType: 0x20,
      message: { type: 'client_setup', supported_versions: [0xff000010], parameters: { path: '/moq' } },
      streamId: 0n,
    },
    { ...t(1), type: 'control', direction: 1, messageType: 0x21, message: { type: 'server_setup' }, streamId: 0n },
    { ...t(2), type: 'state-change', from: 'setup', to: 'ready' },
    {
      ...t(3),
      type: 'control',
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
      streamId: 0n,
    },
    { ...t(4), type: 'stream-opened', streamId: 3n, direction: 1, streamType: 0 },
    {
      ...t(5),
      type: 'object-header',
      streamId: 3n,
      groupId: 1n,
      objectId: 0n,
      publisherPriority: 128,
      objectStatus: 0,
    },
    {
      ...t(5),
      type: 'object-payload',
      streamId: 3n,
      groupId: 1n,
      objectId: 0n,
      size: 3,
      payload: new Uint8Array([1, 2, 3]),
    },
    {
      ...t(6),
      type: 'object-header',
      streamId: 3n,
      groupId: 1n,
      objectId: 1n,
      publisherPriority: 128,
      objectStatus: 1,
    },
    { ...t(6), type: 'object-payload', streamId: 3n, groupId: 1n, objectId: 1n, size: 0 },
    { ...t(7), type: 'stream-closed', streamId: 3n, errorCode: 0 },
    { ...t(8), type: 'error', errorCode: 2, reason: 'oops' },
    { ...t(9), type: 'annotation', label: 'note', data: { k: 'v' } },
  ];
}
