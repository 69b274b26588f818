/**
 * What the importer does with a qlog event name (spec §9.4).
 *
 * @module
 * @internal
 */

/** How an event name is imported. */
export type NameClass =
  | 'control'
  | 'stream-type'
  | 'subgroup-header'
  | 'subgroup-object'
  | 'fetch-header'
  | 'fetch-object'
  | 'datagram'
  | 'error-level'
  | 'private'
  | 'transport'
  | 'annotation';

const TRANSPORT_NAMESPACES = new Set([
  'quic',
  'transport',
  'recovery',
  'connectivity',
  'security',
  'http',
  'http3',
  'h3',
  'qpack',
  'webtransport',
]);
const ERROR_LEVELS = new Set(['error', 'warning', 'warn', 'fatal']);

/** `created` (this vantage point sent it) or `parsed` (it received it) of a `moqt:*_created/_parsed` name. */
export function suffixOf(name: string): 'created' | 'parsed' | undefined {
  if (name.endsWith('_created')) return 'created';
  if (name.endsWith('_parsed')) return 'parsed';
  return undefined;
}

const classes = new Map<string, NameClass>();

/** The class of a (lowercase) qlog event name (cached: a file uses few names). */
export function classifyName(name: string): NameClass {
  let found = classes.get(name);
  if (found === undefined) {
    found = classify(name);
    if (classes.size < 4096) classes.set(name, found);
  }
  return found;
}

function classify(name: string): NameClass {
  const colon = name.indexOf(':');
  const namespace = colon < 0 ? '' : name.slice(0, colon);
  const type = colon < 0 ? name : name.slice(colon + 1);
  if (namespace === 'moqt') {
    const base = type.replace(/_(created|parsed)$/, '');
    if (base === type && type !== 'stream_type_set') return 'annotation';
    switch (base) {
      case 'control_message':
        return 'control';
      case 'stream_type_set':
        return 'stream-type';
      case 'subgroup_header':
        return 'subgroup-header';
      case 'subgroup_object':
        return 'subgroup-object';
      case 'fetch_header':
        return 'fetch-header';
      case 'fetch_object':
        return 'fetch-object';
      case 'object_datagram':
      case 'object_datagram_status':
        return 'datagram';
      default:
        return 'annotation';
    }
  }
  if (namespace === 'loglevel') return ERROR_LEVELS.has(type) ? 'error-level' : 'annotation';
  if (namespace === 'moqtrace') return 'private';
  if (TRANSPORT_NAMESPACES.has(namespace)) return 'transport';
  return 'annotation';
}

/** True for names of the MoQT namespaces (what makes a file a MoQT log). */
export function isMoqtName(name: string): boolean {
  return name.startsWith('moqt:') || name.startsWith('moqtrace:');
}

/** Event-level keys that are part of the envelope, not of an event's content. */
export const ENVELOPE_KEYS = new Set([
  'time',
  'name',
  'data',
  'time_format',
  'group_id',
  'vantagePoint',
  'vantage_point',
]);

/** The `moqtrace_*` keys written at event level by the exporter. */
export function isPrivateKey(key: string): boolean {
  return key.startsWith('moqtrace_');
}
