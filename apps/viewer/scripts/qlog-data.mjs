// qlog/mlog test recordings in the shapes of the producers described in the spec (shared/specs/moqt-qlog.md §4),
// built here from those descriptions (no real producer output is used), plus the project's own export of the
// demo trace (@x/moqt-qlog's writer). Used by the browser tests.
import { writeQlog } from '@x/moqt-qlog';
import { makeTraceDemo } from './demo-data.mjs';

const encoder = new TextEncoder();

/** The demo trace exported by @x/moqt-qlog: JSON-SEQ (`.sqlog`) or contained JSON (`.qlog`). */
export function exportedDemo(format = 'json-seq') {
  const demo = makeTraceDemo({ groups: 3, objectsPerGroup: 3 });
  const bytes = writeQlog({ header: demo.header, events: demo.events }, format === 'json-seq' ? {} : { format });
  return { ...demo, qlog: bytes };
}

/** folly::toPrettyJson-like text: two-space indent and `" : "` between keys and values. */
function pretty(value, indent = '') {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} : ${pretty(value[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * A moxygen client mlog (§4.2): no header, one pretty-printed object per event, `vantagePoint` per event, times
 * as strings of nanoseconds since the logger started, `streamId` "0" on control messages, digit strings, mixed
 * key casing, camelCase message type oddities.
 */
export function moxygenMlog() {
  const ev = (ms, name, data) => ({ vantagePoint: 'client', name, time: String(ms * 1_000_000), data });
  const events = [
    ev(1, 'moqt:control_message_created', {
      streamId: '0',
      length: '24',
      message: {
        type: 'client_setup',
        version: ['4278190094'],
        number_of_parameters: '1',
        setup_parameters: [{ name: 'path', value: '/moq' }],
      },
    }),
    ev(3, 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'server_setup', version: '4278190094', number_of_parameters: '0', setup_parameters: [] },
    }),
    ev(4, 'moqt:control_message_created', {
      streamId: '0',
      message: {
        type: 'subscribe',
        request_id: '1',
        track_namespace: ['live', 'room1'],
        track_name: 'video',
        subscriber_priority: '128',
        group_order: '0',
        forward: '1',
        filter_type: '2',
      },
    }),
    ev(6, 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'subscribe_ok', request_id: '1', track_alias: '5', expires: '0', group_order: '1' },
    }),
    ev(7, 'moqt:stream_type_set', { owner: '1', streamId: '6', streamType: '1' }),
    ev(8, 'moqt:subgroup_header_parsed', {
      stream_id: 6,
      track_alias: 5,
      group_id: 3,
      subgroup_id: 0,
      publisher_priority: 128,
      contains_end_of_group: false,
      extensions_present: false,
    }),
    ev(9, 'moqt:subgroup_object_parsed', {
      streamId: '6',
      groupId: '3',
      subgroupId: '0',
      objectId: '0',
      extensionHeadersLength: '0',
      objectPayloadLength: '5',
      objectStatus: '0',
      objectPayload: 'hello',
    }),
    ev(10, 'moqt:subgroup_object_parsed', {
      streamId: '6',
      groupId: '3',
      subgroupId: '1',
      objectId: '1',
      extensionHeadersLength: '0',
      objectPayloadLength: '5',
      objectStatus: '0',
      objectPayload: 'world',
    }),
    ev(12, 'moqt:control_message_created', { streamId: '0', message: { type: 'unsubscribe', subscribeId: '1' } }),
    ev(13, 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'publishNamespaceDone', trackNamespace: ['live'] },
    }),
  ];
  return encoder.encode(`${events.map((event) => pretty(event)).join('\n')}\n`);
}

/**
 * A moq-rs relay mlog (§4.4, main branch): JSON-SEQ with the legacy 0.3 header, server vantage point, float ms
 * since the writer started, flattened messages (`message_type` beside the fields), `subscribe_id`, namespaces as
 * one `/a/b` string, parameters as `[key, debug]` pairs, object statuses as enum names, `loglevel:*` events.
 */
export function moqRsMlog() {
  const header = {
    qlog_version: '0.3',
    qlog_format: 'JSON-SEQ',
    title: 'moq-relay',
    description: 'MoQ Transport events',
    trace: {
      vantage_point: { type: 'server' },
      event_schemas: ['urn:ietf:params:qlog:events:loglevel', 'urn:ietf:params:qlog:events:moqt'],
    },
  };
  const control = (time, name, message_type, fields) => ({
    time,
    name: `moqt:${name}`,
    data: { event_type: name, stream_id: 0, message_type, ...fields },
  });
  const events = [
    control(0.25, 'control_message_parsed', 'client_setup', {
      supported_versions: ['DRAFT_14'],
      parameters: [['1', 'Path("/moq")']],
    }),
    control(3.42, 'control_message_parsed', 'subscribe', {
      subscribe_id: 1,
      track_namespace: '/demo/live',
      track_name: 'clock',
      parameters: [['2', 'IntValue(1)']],
    }),
    control(3.9, 'control_message_created', 'subscribe_error', {
      subscribe_id: 1,
      error_code: 4,
      reason_phrase: 'no such track',
    }),
    control(5.5, 'control_message_parsed', 'subscribe', {
      subscribe_id: 2,
      track_namespace: '/demo/live',
      track_name: 'video',
      parameters: [],
    }),
    control(6, 'control_message_created', 'subscribe_ok', { subscribe_id: 2, track_alias: 1, expires: 0 }),
    {
      time: 10.5,
      name: 'moqt:subgroup_header_created',
      data: {
        event_type: 'subgroup_header_created',
        stream_id: 7,
        header_type: 'SubgroupHeaderWithExtensions',
        track_alias: 1,
        group_id: 12,
        publisher_priority: 127,
        subgroup_id: 0,
      },
    },
    {
      time: 10.75,
      name: 'moqt:subgroup_object_created',
      data: {
        event_type: 'subgroup_object_created',
        stream_id: 7,
        group_id: 12,
        subgroup_id: 0,
        object_id: 0,
        object_payload_length: 1200,
        extension_headers: [['2', 'IntValue(5)']],
        object_status: 'EndOfGroup',
      },
    },
    { time: 12, name: 'loglevel:warn', data: { event_type: 'loglevel', message: 'slow subscriber' } },
  ];
  return encoder.encode([header, ...events].map((record) => `\u001e${JSON.stringify(record)}\n`).join(''));
}
