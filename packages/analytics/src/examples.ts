/**
 * Example questions with their SQL, run by the tests on generated datasets and offered one click away in the
 * viewer's SQL tab. Every query names only the documented tables and columns.
 *
 * @module
 */

/** An example question and its SQL. */
export interface ExampleQuery {
  /** Short identifier. */
  readonly id: string;
  /** The question, in words. */
  readonly title: string;
  /** Tables it reads. */
  readonly tables: readonly string[];
  /** The SQL (DuckDB dialect). */
  readonly sql: string;
}

/**
 * The five example questions of the "Analytics at scale" page.
 *
 * @example
 * ```ts
 * const { sql } = EXAMPLE_QUERIES.find((q) => q.id === 'subscribe-errors-by-relay')!;
 * ```
 */
export const EXAMPLE_QUERIES: readonly ExampleQuery[] = Object.freeze([
  {
    id: 'subscribe-errors-by-relay',
    title: 'Which relays answered SUBSCRIBE with an error, and at which draft?',
    tables: ['tracks', 'headers'],
    sql: `SELECT h.endpoint AS relay, t.draft, count(*) AS subscribe_errors, count(DISTINCT t.file) AS files,
       string_agg(DISTINCT t.reason, '; ' ORDER BY t.reason) AS reasons
FROM tracks t
JOIN headers h ON h.file = t.file AND h.segment = t.request_segment
WHERE t.request = 'subscribe' AND t.outcome = 'error'
GROUP BY ALL
ORDER BY subscribe_errors DESC, relay, t.draft`,
  },
  {
    id: 'subscribe-latency-per-track',
    title: 'SUBSCRIBE → SUBSCRIBE_OK latency per track over the last 7 days of captures',
    tables: ['tracks'],
    sql: `SELECT namespace, track_name, count(*) AS subscribes,
       round(median(latency_us) / 1000, 3) AS median_ms, round(max(latency_us) / 1000, 3) AS max_ms
FROM tracks
WHERE request = 'subscribe' AND outcome <> 'error' AND latency_us IS NOT NULL
  AND request_time >= (SELECT max(request_time) FROM tracks) - INTERVAL 7 DAY
GROUP BY ALL
ORDER BY median_ms DESC, namespace, track_name`,
  },
  {
    id: 'ss-rate-per-stream-day',
    title: 'Message rate and payload bytes per stream over the latest day of .ss recordings',
    tables: ['messages'],
    sql: `SELECT stream_key, count(*) AS messages, sum(payload_size) AS payload_bytes,
       round(count(*) / greatest(date_diff('millisecond', min("timestamp"), max("timestamp")) / 1000, 1), 3) AS messages_per_s
FROM messages
WHERE NOT eos AND CAST("timestamp" AS DATE) = (SELECT max(CAST("timestamp" AS DATE)) FROM messages WHERE NOT eos)
GROUP BY stream_key
ORDER BY payload_bytes DESC, stream_key`,
  },
  {
    id: 'errors-per-draft',
    title: 'Error counts per MoQT draft',
    tables: ['events', 'headers'],
    sql: `SELECT h.draft, count(DISTINCT e.file) AS files,
       count(*) FILTER (WHERE e.type = 'error') AS error_events,
       count(*) FILTER (WHERE e.message_name LIKE '%\\_error' ESCAPE '\\') AS error_responses
FROM events e
JOIN headers h ON h.file = e.file AND h.segment = e.segment
GROUP BY h.draft
ORDER BY h.draft NULLS LAST`,
  },
  {
    id: 'payload-bytes-per-stream',
    title: 'Payload bytes per data stream (.moqtrace object payloads)',
    tables: ['events'],
    sql: `SELECT file, stream_id, count(*) AS objects, sum(size) AS payload_bytes
FROM events
WHERE type = 'object-payload'
GROUP BY file, stream_id
ORDER BY payload_bytes DESC, file, stream_id`,
  },
]);
