/**
 * What the importer would make of a qlog value, for the exporter's losslessness checks: the normalised form of
 * a draft-shaped message, and whether a `qlog:`-labelled annotation can be written back as its original event.
 *
 * @module
 * @internal
 */
import type { AnnotationEvent } from '@x/moqtrace';
import { normalizeMessage } from './messages.js';
import { renderEventJson, toTaggedJson } from './moqtrace-api.js';
import { classifyName, ENVELOPE_KEYS, isPrivateKey } from './names.js';
import { isObject, type JsonObject } from './values.js';

/** The message the importer reads back from a draft-shaped message (after a trip through JSON text). */
export function importMessageForCheck(message: JsonObject): unknown {
  return normalizeMessage(JSON.parse(JSON.stringify(message)));
}

/**
 * The annotation the importer makes of an event it has no mapping for: label `qlog:<name>`, data = the event's
 * `data` (when present) and its other non-envelope keys.
 */
export function annotationData(data: unknown, event: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (data !== undefined) out.data = data;
  for (const key of Object.keys(event)) {
    if (!ENVELOPE_KEYS.has(key) && !isPrivateKey(key)) out[key] = event[key];
  }
  return out;
}

/** An annotation's original qlog event (name, data, other keys), when importing it gives back the annotation. */
export function annotationAsQlogEvent(
  event: AnnotationEvent,
): { name: string; data: JsonObject; keys: JsonObject } | undefined {
  const name = event.label.slice('qlog:'.length);
  if (name.length === 0 || name !== name.toLowerCase() || classifyName(name) !== 'annotation') return undefined;
  if (!isObject(event.data)) return undefined;
  const tagged = toTaggedJson(event.data);
  if (!isObject(tagged) || !isObject(tagged.data)) return undefined;
  const keys: JsonObject = {};
  for (const key of Object.keys(tagged)) {
    if (key === 'data') continue;
    if (ENVELOPE_KEYS.has(key) || isPrivateKey(key)) return undefined;
    keys[key] = tagged[key];
  }
  const candidate: JsonObject = JSON.parse(JSON.stringify({ data: tagged.data, ...keys }));
  const back = annotationData(candidate.data, candidate);
  const render = (data: unknown) => renderEventJson({ type: 'annotation', seq: 0, timestamp: 0, label: '', data });
  if (render(back) !== render(event.data)) return undefined;
  return { name, data: tagged.data as JsonObject, keys };
}
