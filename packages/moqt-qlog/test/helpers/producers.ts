// Generators of files in each producer's shape, written from the spec's producer sections (moqt-qlog.md §4),
// quirks included. No real producer output exists (decision 5); these are the project's own constructions.

const encoder = new TextEncoder();

/** folly::toPrettyJson-like printing: 2-space indent, `" : "` between keys and values. */
export function follyPretty(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + follyPretty(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = keys.map(
      (key) => `${inner}${JSON.stringify(key)} : ${follyPretty((value as Record<string, unknown>)[key], inner)}`,
    );
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Bytes of text plus raw bytes spliced in at `{{RAW}}` markers (moxygen embeds payload bytes unescaped). */
function withRaw(text: string, raw: Uint8Array[]): Uint8Array {
  const parts = text.split('{{RAW}}');
  const chunks: Uint8Array[] = [];
  parts.forEach((part, index) => {
    chunks.push(encoder.encode(part));
    if (index < parts.length - 1) chunks.push(raw[index] as Uint8Array);
  });
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * moxygen's mlog (§4.2): no header, concatenated pretty-printed objects, `vantagePoint` per event, string
 * nanosecond times since the logger started, `streamId` "0" on every control message, mixed key casing, digit
 * strings, camelCase message types, `subgroupId` filled with the object id, raw payload bytes in the JSON text.
 */
export function moxygenMlog(): Uint8Array {
  const ev = (time: string, name: string, data: unknown) => ({ vantagePoint: 'client', name, time, data });
  const events = [
    ev('1000000', 'moqt:control_message_created', {
      streamId: '0',
      length: '24',
      message: {
        type: 'client_setup',
        version: ['4278190094'],
        number_of_parameters: '1',
        setup_parameters: [{ name: 'path', value: '/moq' }],
      },
    }),
    ev('2500000', 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'server_setup', version: '4278190094', number_of_parameters: '0', setup_parameters: [] },
    }),
    ev('3000000', 'moqt:control_message_created', {
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
        number_of_parameters: '0',
        parameters: [],
      },
    }),
    ev('4000000', 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'subscribe_ok', request_id: '1', track_alias: '5', expires: '0', group_order: '1' },
    }),
    ev('5000000', 'moqt:stream_type_set', { owner: '1', streamId: '6', streamType: '1' }),
    ev('5100000', 'moqt:subgroup_header_parsed', {
      stream_id: 6,
      track_alias: 5,
      group_id: 3,
      subgroup_id: 0,
      publisher_priority: 128,
      contains_end_of_group: false,
      extensions_present: false,
    }),
    ev('5200000', 'moqt:subgroup_object_parsed', {
      streamId: '6',
      groupId: '3',
      subgroupId: '0',
      objectId: '0',
      extensionHeadersLength: '0',
      objectPayloadLength: '5',
      objectStatus: '0',
      objectPayload: 'hello',
    }),
    ev('5300000', 'moqt:subgroup_object_parsed', {
      streamId: '6',
      groupId: '3',
      subgroupId: '1',
      objectId: '1',
      extensionHeadersLength: '0',
      objectPayloadLength: '3',
      objectStatus: '0',
      objectPayload: '{{RAW}}',
    }),
    ev('6000000', 'moqt:object_datagram_parsed', {
      track_alias: 5,
      group_id: 4,
      object_id: 0,
      publisher_priority: 64,
      extension_headers_length: 0,
      object_status: 3,
      object_payload: 'dg',
      end_of_group: true,
    }),
    ev('7000000', 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'unsubscribe', subscribeId: '1' },
    }),
    ev('7500000', 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'publishNamespaceDone', trackNamespace: ['live'] },
    }),
    ev('8000000', 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'publishNamespace_ok', requestID: '2' },
    }),
  ];
  const text = `${events.map((event) => follyPretty(event)).join('\n')}\n`;
  return withRaw(text, [new Uint8Array([0xff, 0xfe, 0x41])]);
}

const IMQUIC_HEADER = {
  file_schema: 'urn:ietf:params:qlog:file:sequential',
  serialization_format: 'application/qlog+json-seq',
  title: 'imquic-client-1',
  event_schemas: ['urn:ietf:params:qlog:events:moqt-00', 'urn:ietf:params:qlog:events:roq-00'],
};

const IMQUIC_TRACE = {
  common_fields: {
    protocol_types: ['MOQT'],
    time_format: 'relative_to_epoch',
    ODCID: 'a1b2c3d4e5f60718',
    reference_time: { clock_type: 'system', epoch: '1970-01-01T00:00:00.000Z' },
  },
  vantage_point: { name: 'imquic 0.0.1', type: 'client' },
};

/** The payload imquic logs: a RawInfo whose data is cut to 40 bytes. */
const LONG_PAYLOAD = { length: 100, data: '00'.repeat(40) };

function imquicEvents(): unknown[] {
  const t0 = 1767225600123.456;
  return [
    { time: t0, name: 'moqt:stream_type_set', data: { owner: 'local', stream_id: 2, stream_type: 'control' } },
    {
      time: t0 + 0.5,
      name: 'moqt:control_message_created',
      data: {
        stream_id: 2,
        length: 58,
        message: {
          type: 'client_setup',
          number_of_parameters: 1,
          setup_options: [{ name: 'moqt_implementation', value: 'imquic 0.0.1' }],
        },
        raw: { length: 60, data: 'ab'.repeat(40) },
      },
    },
    {
      time: t0 + 3,
      name: 'moqt:control_message_created',
      data: {
        stream_id: 4,
        message: {
          type: 'subscribe',
          request_id: 0,
          required_request_id_delta: 0,
          track_namespace: [{ value: 'live' }],
          track_name: { value: 'clock' },
          number_of_parameters: 1,
          parameters: [{ name: 'subscription_filter', value: { type: 2, start_location: { group: 0, object: 0 } } }],
        },
      },
    },
    { time: t0 + 3.2, name: 'moqt:stream_type_set', data: { owner: 'local', stream_id: 4, stream_type: 'subscribe' } },
    {
      time: t0 + 10.25,
      name: 'moqt:subgroup_header_parsed',
      data: {
        stream_id: 11,
        type: 16,
        track_alias: 7,
        group_id: 2,
        subgroup_id: 2,
        publisher_priority: 128,
        contains_end_of_group: false,
        properties_present: true,
        raw: { length: 6, data: '100702020080' },
      },
    },
    {
      time: t0 + 10.5,
      name: 'moqt:subgroup_object_parsed',
      data: {
        stream_id: 11,
        group_id: 2,
        subgroup_id: 2,
        object_id: 0,
        properties: [{ type: 2, value: 9 }],
        object_payload_length: 100,
        object_status: 0,
        object_payload: LONG_PAYLOAD,
      },
    },
    {
      time: t0 + 11,
      name: 'moqt:subgroup_object_parsed',
      data: {
        stream_id: 11,
        group_id: 2,
        subgroup_id: 2,
        object_id: 1,
        object_payload_length: 4,
        object_status: 3,
        object_payload: { length: 4, data: 'cafebabe' },
      },
    },
    {
      time: t0 + 12,
      name: 'moqt:object_datagram_status_parsed',
      data: { track_alias: 7, group_id: 3, object_id: 0, publisher_priority: 1, object_status: 4 },
    },
  ];
}

/** imquic sequential file (§4.3): JSON-SEQ, `event_schemas` at top level, epoch-ms float times, raw cut to 40 bytes. */
export function imquicSequential(): Uint8Array {
  const records = [{ ...IMQUIC_HEADER, trace: IMQUIC_TRACE }, ...imquicEvents()];
  return encoder.encode(records.map((record) => `\u001e${JSON.stringify(record)}\n`).join(''));
}

/** imquic contained file (§4.3): the same under `traces[0].events`, written at close. */
export function imquicContained(): Uint8Array {
  const file = {
    ...IMQUIC_HEADER,
    file_schema: 'urn:ietf:params:qlog:file:contained',
    serialization_format: 'application/qlog+json',
    traces: [{ ...IMQUIC_TRACE, events: imquicEvents() }],
  };
  return encoder.encode(JSON.stringify(file, null, 2));
}

const MOQ_RS_HEADER = {
  qlog_version: '0.3',
  qlog_format: 'JSON-SEQ',
  title: 'moq-relay',
  description: 'MoQ Transport events',
  trace: {
    vantage_point: { type: 'server' },
    event_schemas: ['urn:ietf:params:qlog:events:loglevel', 'urn:ietf:params:qlog:events:moqt'],
  },
};

function moqRsEvents(): unknown[] {
  return [
    {
      time: 0.25,
      name: 'moqt:control_message_parsed',
      data: {
        event_type: 'control_message_parsed',
        stream_id: 0,
        message_type: 'client_setup',
        supported_versions: ['DRAFT_14'],
        parameters: [['1', 'Path("/moq")']],
      },
    },
    {
      time: 3.42,
      name: 'moqt:control_message_parsed',
      data: {
        event_type: 'control_message_parsed',
        stream_id: 0,
        message_type: 'subscribe',
        subscribe_id: 1,
        track_namespace: '/demo/live',
        track_name: 'clock',
        parameters: [['2', 'IntValue(1)']],
      },
    },
    {
      time: 3.9,
      name: 'moqt:control_message_created',
      data: {
        event_type: 'control_message_created',
        stream_id: 0,
        message_type: 'subscribe_error',
        subscribe_id: 1,
        error_code: 4,
        reason_phrase: 'no such track',
      },
    },
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
    {
      time: 11,
      name: 'moqt:object_datagram_created',
      data: {
        event_type: 'object_datagram_created',
        stream_id: 15,
        datagram_type: 'ObjectIdPayload',
        track_alias: 1,
        group_id: 13,
        object_id: 2,
        publisher_priority: 127,
        payload_length: 90,
        object_status: 'NormalObject',
      },
    },
    { time: 12, name: 'loglevel:warn', data: { event_type: 'loglevel', message: 'slow subscriber' } },
    { time: 12.5, name: 'loglevel:info', data: { event_type: 'loglevel', message: 'session closed' } },
  ];
}

/** moq-rs relay mlog (§4.4), main branch: RS before each record, legacy 0.3 header, flattened messages. */
export function moqRsSequential(): Uint8Array {
  const records = [MOQ_RS_HEADER, ...moqRsEvents()];
  return encoder.encode(records.map((record) => `\u001e${JSON.stringify(record)}\n`).join(''));
}

/** The sgodin fork of the same writer: NDJSON (no RS). */
export function moqRsNdjson(): Uint8Array {
  const records = [MOQ_RS_HEADER, ...moqRsEvents()];
  return encoder.encode(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

/** A pure draft -07 file: MOQTByteStrings, `setup` with `setup_options`, subgroup objects with only `object_id_delta`. */
export function draft07Sequential(): Uint8Array {
  const header = {
    file_schema: 'urn:ietf:params:qlog:file:sequential',
    serialization_format: 'application/qlog+json-seq',
    trace: {
      vantage_point: { type: 'network', name: 'probe' },
      event_schemas: ['urn:ietf:params:qlog:events:moqt-07'],
      common_fields: {
        time_format: 'relative_to_previous_event',
        reference_time: { clock_type: 'system', epoch: '2026-01-01T00:00:00.000Z' },
        group_id: 'conn-9',
      },
    },
  };
  const events = [
    {
      time: 5,
      name: 'moqt:control_message_created',
      data: {
        stream_id: 2,
        message: {
          type: 'setup',
          setup_options: [
            { name: 'path', value: '/moq' },
            { name: 'implementation', value: 'probe/1' },
          ],
        },
      },
    },
    {
      time: 1,
      name: 'moqt:control_message_created',
      data: {
        stream_id: 4,
        message: {
          type: 'publish_namespace',
          request_id: 0,
          required_request_id_delta: 0,
          track_namespace: [{ value: 'live' }, { value_bytes: 'ff00' }],
          number_of_parameters: 0,
        },
      },
    },
    {
      time: 1,
      name: 'moqt:control_message_parsed',
      data: { stream_id: 4, message: { type: 'request_error', error_code: 3, retry_interval: 0, reason: 'nope' } },
    },
    { time: 2, name: 'moqt:stream_type_set', data: { owner: 'remote', stream_id: 3, stream_type: 'subgroup_header' } },
    {
      time: 0.5,
      name: 'moqt:subgroup_header_parsed',
      data: {
        stream_id: 3,
        track_alias: 2,
        group_id: 8,
        subgroup_id_mode: 0,
        publisher_priority: 10,
        contains_end_of_group: true,
        properties_present: false,
      },
    },
    {
      time: 0.5,
      name: 'moqt:subgroup_object_parsed',
      data: { stream_id: 3, object_id_delta: 4, object_payload_length: 2, object_payload: { length: 2, data: 'beef' } },
    },
    {
      time: 0.5,
      name: 'moqt:subgroup_object_parsed',
      data: { stream_id: 3, object_id_delta: 0, object_payload_length: 0, object_status: 3 },
    },
    { time: 1, name: 'quic:packet_received', data: { header: { packet_type: '1RTT' } } },
    { time: 1, name: 'moqt:future_event_created', data: { thing: 1 }, custom_key: 'x' },
  ];
  return encoder.encode([header, ...events].map((record) => `\u001e${JSON.stringify(record)}\n`).join(''));
}

/** Legacy contained JSON with array events and `event_fields` (moxygen's hand-written viz samples, §6). */
export function legacyArrayEvents(): Uint8Array {
  const file = {
    qlog_version: '0.3',
    qlog_format: 'JSON',
    traces: [
      {
        vantage_point: { type: 'client' },
        common_fields: { reference_time: 1700000000000 },
        event_fields: ['relative_time', 'category', 'event', 'data'],
        events: [
          [0, 'transport', 'moqt:control_message_created', { stream_id: 0, message: { type: 'client_setup' } }],
          [12, 'transport', 'moqt:control_message_parsed', { stream_id: 0, message: { type: 'server_setup' } }],
          [20, 'moqt', 'CONTROL_MESSAGE_PARSED', { message_type: 'SUBSCRIBE_OK' }],
        ],
      },
    ],
  };
  return encoder.encode(JSON.stringify(file));
}

/** A QUIC-only qlog (no MoQT event): must be rejected. */
export function quicOnly(): Uint8Array {
  const header = {
    file_schema: 'urn:ietf:params:qlog:file:sequential',
    serialization_format: 'application/qlog+json-seq',
    trace: { event_schemas: ['urn:ietf:params:qlog:events:quic-10'], vantage_point: { type: 'client' } },
  };
  const events = [
    { time: 1767225600000, name: 'quic:packet_sent', data: { header: { packet_type: 'initial' } } },
    { time: 1767225600001, name: 'quic:packet_received', data: { header: { packet_type: 'handshake' } } },
  ];
  return encoder.encode([header, ...events].map((record) => `\u001e${JSON.stringify(record)}\n`).join(''));
}

/** A moq-transfork log (a different protocol, §4.1): must be rejected. */
export function transfork(): Uint8Array {
  const header = {
    qlog_version: 'draft-02',
    qlog_format: 'NDJSON',
    trace: { event_schemas: ['urn:ietf:params:qlog:events:moq-transfork-03'] },
  };
  const events = [{ time: 1, name: 'moq-transfork-03:session_started', data: {} }];
  return encoder.encode([header, ...events].map((record) => `${JSON.stringify(record)}\n`).join(''));
}
