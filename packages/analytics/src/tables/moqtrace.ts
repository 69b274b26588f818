/**
 * The tables of `.moqtrace` files: `events` (one row per event, the common fields as columns and the whole
 * canonical rendering in `fields`), `headers` (one row per segment) and `tracks` (the request-pairing table of
 * `@x/moqtrace/analysis`).
 *
 * @module
 */
import { defineTable, fileColumns, msTimestamp, type TableSpec, usTimestamp } from './types.js';

/**
 * The constant parts of the canonical JSON of the frequent events (object headers, object payloads, stream closes)
 * whose values are all columns: in order, with the values between them.
 *
 * @internal
 */
export const JSON_PARTS = {
  header: '{"type":"object-header","seq":',
  payload: '{"type":"object-payload","seq":',
  closed: '{"type":"stream-closed","seq":',
  timestamp: ',"timestamp":',
  streamId: ',"streamId":"',
  groupId: '","groupId":"',
  objectId: '","objectId":"',
  priority: '","publisherPriority":',
  status: ',"objectStatus":',
  size: '","size":',
  errorCode: '","errorCode":',
} as const;

/**
 * The `fields` column: the `fields` input, or when it is NULL (a writer may leave it out for the frequent events
 * whose values are all non-negative integers below 2^53, ids included), the same JSON text built from the columns.
 */
function fieldsExpression(): string {
  const j = JSON_PARTS;
  const start = (head: string) => `'${head}', "seq", '${j.timestamp}', "timestamp_us", '${j.streamId}', "stream_id"`;
  const object = `'${j.groupId}', "group_id", '${j.objectId}', "object_id"`;
  const header = `concat(${start(j.header)}, ${object}, '${j.priority}', "_publisher_priority", '${j.status}', "_object_status", '}')`;
  const payload = `concat(${start(j.payload)}, ${object}, '${j.size}', "size", '}')`;
  const closed = `concat(${start(j.closed)}, '${j.errorCode}', "error_code", '}')`;
  return `coalesce("fields", CASE "type" WHEN 'object-header' THEN ${header} WHEN 'object-payload' THEN ${payload} WHEN 'stream-closed' THEN ${closed} END)`;
}

/** `events`: one row per event of a `.moqtrace` file, segments in file order. */
export const EVENTS: TableSpec = defineTable({
  name: 'events',
  format: 'moqtrace',
  row: 'one event of a `.moqtrace` file (every segment, in file order); items that are no event are in `problems`',
  columns: [
    ...fileColumns(),
    { name: 'segment', type: 'UINTEGER', nullable: false, description: 'Index of the segment (0-based, file order).' },
    {
      name: 'offset',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description: 'File offset of the event item. A keyword in SQL: write `"offset"`.',
    },
    { name: 'seq', type: 'UBIGINT', nullable: false, description: 'Sequence number `n` (per segment; u64, exact).' },
    {
      name: 'timestamp_us',
      type: 'BIGINT',
      nullable: true,
      unit: 'µs since the segment start',
      description:
        'Event time `t` relative to the segment header startTime (may be negative); NULL only outside the BIGINT range (the value stays in `fields`).',
    },
    {
      name: 'time',
      type: 'TIMESTAMP',
      nullable: true,
      unit: 'µs precision, UTC',
      description: 'Absolute time: the segment startTime plus `timestamp_us`; NULL outside years 1–9999.',
      expression: usTimestamp('_time_us'),
    },
    {
      name: 'type',
      type: 'VARCHAR',
      nullable: false,
      description:
        'Event type name: control, stream-opened, stream-closed, object-header, object-payload, state-change, error, annotation, peer-connected, peer-disconnected, subscription-derivation, unknown.',
    },
    { name: 'type_id', type: 'UBIGINT', nullable: false, description: 'Wire event type `e`.' },
    {
      name: 'direction',
      type: 'VARCHAR',
      nullable: true,
      description:
        'control: `sent`/`received`; stream-opened: `outgoing`/`incoming`; other values `direction N`; NULL for other events.',
    },
    { name: 'message_type', type: 'UBIGINT', nullable: true, description: 'control: wire message type id `mt`.' },
    {
      name: 'message_name',
      type: 'VARCHAR',
      nullable: true,
      description:
        "control: message name (snake_case) by the naming rule of `@x/moqtrace/analysis`: the message's own `type`, else the draft's name for `mt`, else `0x..`.",
    },
    {
      name: 'stream_id',
      type: 'UBIGINT',
      nullable: true,
      description: 'QUIC stream id (`sid`) of events that carry one.',
    },
    {
      name: 'group_id',
      type: 'UBIGINT',
      nullable: true,
      description: 'Group id (object events; datagram stream-opened).',
    },
    { name: 'object_id', type: 'UBIGINT', nullable: true, description: 'Object id (object events).' },
    { name: 'size', type: 'UBIGINT', nullable: true, unit: 'bytes', description: 'object-payload: payload size `sz`.' },
    {
      name: 'request_id',
      type: 'UBIGINT',
      nullable: true,
      description:
        "control: the message's request id (`request_id`, `requestId`, or `subscribe_id` before draft 11); subscription-derivation: the upstream request id.",
    },
    {
      name: 'track_alias',
      type: 'UBIGINT',
      nullable: true,
      description: "stream-opened: `ta`; control: the message's `track_alias`.",
    },
    {
      name: 'error_code',
      type: 'UBIGINT',
      nullable: true,
      description: 'stream-closed, error, peer-disconnected: `ec`.',
    },
    { name: 'reason', type: 'VARCHAR', nullable: true, description: 'error, peer-disconnected: reason text.' },
    { name: 'label', type: 'VARCHAR', nullable: true, description: 'annotation: label.' },
    { name: 'peer', type: 'VARCHAR', nullable: true, description: 'Peer id `p` (v2, relay-tap recordings).' },
    {
      name: 'fields',
      type: 'VARCHAR',
      nullable: false,
      description:
        "JSON text of the canonical rendering of the event (`xtrace cat --format events`: ids as decimal strings, bytes as hex, every field and store), so nothing is lost. Query it with DuckDB's JSON functions (`fields->>'$.message.track_name'`).",
      expression: fieldsExpression(),
    },
  ],
  // `fields` keeps its place after `peer`; the inputs of the JSON built from the columns follow `_time_us`.
  hidden: [
    ['fields', 'VARCHAR'],
    ['_time_us', 'BIGINT'],
    ['_publisher_priority', 'UBIGINT'],
    ['_object_status', 'UBIGINT'],
  ],
});

/** `headers`: one row per segment header of a `.moqtrace` file. */
export const HEADERS: TableSpec = defineTable({
  name: 'headers',
  format: 'moqtrace',
  row: 'one segment of a `.moqtrace` file (non-segmented traces have one)',
  columns: [
    ...fileColumns(),
    { name: 'segment', type: 'UINTEGER', nullable: false, description: 'Index of the segment (0-based, file order).' },
    {
      name: 'offset',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description: "File offset of the segment's preamble.",
    },
    { name: 'version', type: 'UINTEGER', nullable: false, description: 'Format version of the preamble (1 or 2).' },
    {
      name: 'protocol',
      type: 'VARCHAR',
      nullable: false,
      description: '`moq-transport-NN`, `moq-transport-rfcNNNN` or any other text.',
    },
    {
      name: 'draft',
      type: 'UINTEGER',
      nullable: true,
      description: 'MoQT draft number from `protocol`, when it names one.',
    },
    {
      name: 'perspective',
      type: 'VARCHAR',
      nullable: false,
      description: '`client`, `server`, `observer`, `relay-tap` or another value.',
    },
    {
      name: 'detail',
      type: 'VARCHAR',
      nullable: false,
      description: 'Detail level: control, headers, headers+sizes, headers+data, full, or another value.',
    },
    {
      name: 'start_time',
      type: 'TIMESTAMP_MS',
      nullable: true,
      unit: 'ms precision, UTC',
      description: 'startTime as a TIMESTAMP (NULL after 9999).',
      expression: msTimestamp('start_time_ms'),
    },
    {
      name: 'start_time_ms',
      type: 'UBIGINT',
      nullable: false,
      unit: 'ms since the Unix epoch',
      description: 'startTime as stored.',
    },
    {
      name: 'end_time',
      type: 'TIMESTAMP_MS',
      nullable: true,
      unit: 'ms precision, UTC',
      description: 'endTime as a TIMESTAMP (absent after a crash).',
      expression: msTimestamp('end_time_ms'),
    },
    {
      name: 'end_time_ms',
      type: 'UBIGINT',
      nullable: true,
      unit: 'ms since the Unix epoch',
      description: 'endTime as stored.',
    },
    { name: 'transport', type: 'VARCHAR', nullable: true, description: '`webtransport`, `raw-quic`, ...' },
    { name: 'source', type: 'VARCHAR', nullable: true, description: 'Producing software and version.' },
    { name: 'endpoint', type: 'VARCHAR', nullable: true, description: 'Remote peer address or URI.' },
    { name: 'session_id', type: 'VARCHAR', nullable: true, description: 'Capture-correlation id.' },
    {
      name: 'segment_sequence',
      type: 'UBIGINT',
      nullable: true,
      description: 'v2 `segment.sequence` (NULL when not segmented).',
    },
    { name: 'segment_stream_id', type: 'VARCHAR', nullable: true, description: 'v2 `segment.streamId`.' },
    {
      name: 'sampled',
      type: 'BOOLEAN',
      nullable: false,
      description: 'True when the header has `sampling` (events were dropped at the source).',
    },
    {
      name: 'dropped_total',
      type: 'UBIGINT',
      nullable: true,
      description: '`sampling.droppedTotal`: events dropped since the stream started.',
    },
    {
      name: 'header',
      type: 'VARCHAR',
      nullable: false,
      description: 'JSON text of the whole header (`custom`, stores and all).',
    },
  ],
});

/** `tracks`: the request-pairing table (`@x/moqtrace/analysis`), one row per request of a file. */
export const TRACKS: TableSpec = defineTable({
  name: 'tracks',
  format: 'moqtrace',
  row: 'one request (SUBSCRIBE, FETCH, PUBLISH) of a `.moqtrace` file and what happened to it (request pairing, spec §9.3)',
  columns: [
    ...fileColumns(),
    { name: 'request', type: 'VARCHAR', nullable: false, description: 'Request message: subscribe, fetch or publish.' },
    {
      name: 'pairing',
      type: 'VARCHAR',
      nullable: false,
      description: '`request-id` (up to draft 16), `stream` (from draft 17) or `unpaired`.',
    },
    { name: 'draft', type: 'UINTEGER', nullable: true, description: 'Draft used for naming and pairing.' },
    { name: 'request_id', type: 'UBIGINT', nullable: true, description: 'Request id, when the message carries one.' },
    {
      name: 'stream_id',
      type: 'UBIGINT',
      nullable: true,
      description: 'Control stream of the request (from draft 17 its own stream).',
    },
    {
      name: 'namespace',
      type: 'VARCHAR',
      nullable: true,
      description: 'Track namespace, tuple fields joined with `/`.',
    },
    { name: 'track_name', type: 'VARCHAR', nullable: true, description: 'Track name as text.' },
    {
      name: 'track_alias',
      type: 'UBIGINT',
      nullable: true,
      description: 'Track alias (from the OK, or the request in older drafts).',
    },
    {
      name: 'outcome',
      type: 'VARCHAR',
      nullable: false,
      description:
        '`pending` (no response), `active` (OK), `error` (ERROR response), `done` (publish_done, subscribe_done, unsubscribe, fetch_cancel).',
    },
    { name: 'reason', type: 'VARCHAR', nullable: true, description: 'Reason of an error or done message.' },
    { name: 'request_segment', type: 'UINTEGER', nullable: false, description: 'Segment of the request event.' },
    {
      name: 'request_offset',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description: 'File offset of the request event.',
    },
    {
      name: 'request_timestamp_us',
      type: 'BIGINT',
      nullable: true,
      unit: 'µs since the segment start',
      description: '`timestamp_us` of the request event.',
    },
    {
      name: 'request_time',
      type: 'TIMESTAMP',
      nullable: true,
      unit: 'µs precision, UTC',
      description: 'Absolute time of the request.',
      expression: usTimestamp('_request_time_us'),
    },
    {
      name: 'response_offset',
      type: 'UBIGINT',
      nullable: true,
      unit: 'bytes',
      description: 'File offset of the response (NULL when unanswered).',
    },
    {
      name: 'response_timestamp_us',
      type: 'BIGINT',
      nullable: true,
      unit: 'µs since the segment start',
      description: '`timestamp_us` of the response event.',
    },
    {
      name: 'response_time',
      type: 'TIMESTAMP',
      nullable: true,
      unit: 'µs precision, UTC',
      description: 'Absolute time of the response.',
      expression: usTimestamp('_response_time_us'),
    },
    {
      name: 'latency_us',
      type: 'BIGINT',
      nullable: true,
      unit: 'µs',
      description: 'Response timestamp minus request timestamp (same time base).',
    },
    {
      name: 'objects',
      type: 'UBIGINT',
      nullable: false,
      description: "Object headers seen on the track's data streams.",
    },
    {
      name: 'bytes',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description: "Payload bytes (object-payload `size`) on the track's data streams.",
    },
    {
      name: 'data_streams',
      type: 'UINTEGER',
      nullable: false,
      description: 'Data streams joined to the track (event 1 `ta`/`fri`).',
    },
  ],
  hidden: [
    ['_request_time_us', 'BIGINT'],
    ['_response_time_us', 'BIGINT'],
  ],
});
