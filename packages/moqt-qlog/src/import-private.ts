/**
 * The events of the private `moqtrace:` namespace that carry no stream state, read back exactly (the inverse of
 * the export).
 *
 * @module
 * @internal
 */
import type { Numeric, SubscriptionRef, TraceEvent } from '@x/moqtrace';
import { fromTaggedJson } from './moqtrace-api.js';
import { bytesOfByteString, hexIn, idIn, isObject, type JsonObject, numericIn } from './values.js';

/** The envelope of an event being built. */
export interface Envelope {
  seq: Numeric;
  timestamp: Numeric;
  peer?: string;
  extra?: JsonObject;
}

/**
 * A `moqtrace:<type>` event without stream state (state change, annotation, peers, derivation, unknown), or
 * `undefined` when its data is not usable (the caller keeps it as an annotation).
 */
export function statelessPrivateEvent(type: string, data: JsonObject, env: Envelope): TraceEvent | undefined {
  let event: TraceEvent | undefined;
  switch (type) {
    case 'state_change':
      if (typeof data.from !== 'string' || typeof data.to !== 'string') return undefined;
      event = { ...env, type: 'state-change', from: data.from, to: data.to };
      break;
    case 'annotation':
      if (typeof data.label !== 'string') return undefined;
      event = { ...env, type: 'annotation', label: data.label };
      if ('data' in data) event.data = fromTaggedJson(data.data);
      break;
    case 'peer_connected': {
      if (env.peer === undefined) return undefined;
      const connected: TraceEvent = { ...env, type: 'peer-connected', peer: env.peer };
      for (const key of ['endpoint', 'transport', 'role', 'side'] as const) {
        if (typeof data[key] === 'string') connected[key] = data[key] as string;
      }
      event = connected;
      break;
    }
    case 'peer_disconnected': {
      const errorCode = numericIn(data.error_code);
      if (env.peer === undefined || errorCode === undefined) return undefined;
      event = { ...env, type: 'peer-disconnected', peer: env.peer, errorCode };
      if (typeof data.reason === 'string') event.reason = data.reason;
      break;
    }
    case 'subscription_derivation':
      event = derivation(data, env);
      if (event === undefined) return undefined;
      break;
    case 'unknown': {
      const eventType = numericIn(data.event_type);
      if (eventType === undefined || !isObject(data.fields)) return undefined;
      const { extra: _ignored, ...common } = env;
      event = {
        type: 'unknown',
        ...common,
        eventType,
        fields: fromTaggedJson(data.fields) as Record<string, unknown>,
      };
      break;
    }
    default:
      return undefined;
  }
  return event;
}

function refIn(value: unknown): SubscriptionRef | undefined {
  if (!isObject(value) || typeof value.peer !== 'string') return undefined;
  const requestId = idIn(value.request_id);
  return requestId === undefined ? undefined : { peer: value.peer, requestId };
}

/** A hop time: ms (number) back to µs, or the exact `"<µs>us"` text the exporter writes when ms would round. */
function hopTimeIn(value: unknown): Numeric | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string' && value.endsWith('us')) return numericIn(value.slice(0, -2), true);
  return undefined;
}

function derivation(
  data: JsonObject,
  env: { seq: Numeric; timestamp: Numeric; peer?: string },
): TraceEvent | undefined {
  const upstream = refIn(data.upstream);
  if (upstream === undefined || !Array.isArray(data.downstream) || typeof data.kind !== 'string') return undefined;
  const downstream: SubscriptionRef[] = [];
  for (const item of data.downstream) {
    const ref = refIn(item);
    if (ref === undefined) return undefined;
    downstream.push(ref);
  }
  const event: TraceEvent = { type: 'subscription-derivation', ...env, upstream, downstream, kind: data.kind };
  if (data.trace_id !== undefined) {
    const traceId = hexIn(data.trace_id);
    if (traceId === undefined) return undefined;
    event.traceId = traceId;
  }
  if (Array.isArray(data.namespace)) {
    const fields: Uint8Array[] = [];
    for (const item of data.namespace) {
      const bytes = bytesOfByteString(item);
      if (bytes === undefined) return undefined;
      fields.push(bytes);
    }
    event.namespace = fields;
  }
  if (data.track_name !== undefined) {
    const name = bytesOfByteString(data.track_name);
    if (name === undefined) return undefined;
    event.trackName = name;
  }
  const times = [
    ['t_downstream_received', 'tDownstreamReceived'],
    ['t_upstream_sent', 'tUpstreamSent'],
    ['t_upstream_ok_received', 'tUpstreamOkReceived'],
    ['t_downstream_ok_sent', 'tDownstreamOkSent'],
  ] as const;
  for (const [key, field] of times) {
    if (data[key] === undefined) continue;
    const value = hopTimeIn(data[key]);
    if (value === undefined) return undefined;
    event[field] = value;
  }
  return event;
}
