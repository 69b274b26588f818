/** The example queries one click away in the SQL tab: a few quick looks, then the five of the docs. */
import { EXAMPLE_QUERIES } from '@x/analytics';

export interface SqlExample {
  id: string;
  title: string;
  sql: string;
}

export const SQL_EXAMPLES: readonly SqlExample[] = [
  {
    id: 'rows-per-file',
    title: 'Records and problems per file',
    sql: 'SELECT file, format, records, end_state, errors, warnings FROM files ORDER BY file',
  },
  {
    id: 'events-per-type',
    title: 'Events per type',
    sql: 'SELECT type, count(*) AS events, count(DISTINCT stream_id) AS streams FROM events GROUP BY type ORDER BY events DESC',
  },
  {
    id: 'messages-per-stream',
    title: 'Messages and payload bytes per stream and shard',
    sql: 'SELECT stream_key, shard_id, count(*) AS messages, sum(payload_size) AS payload_bytes, min("timestamp") AS first, max("timestamp") AS last FROM messages GROUP BY ALL ORDER BY payload_bytes DESC',
  },
  ...EXAMPLE_QUERIES.map(({ id, title, sql }) => ({ id, title, sql })),
];
