/**
 * Control messages both ways: a `.moqtrace` `msg` (the codecs' snake_case map) as the draft's `message` object,
 * and any producer's `message` (draft, moxygen, imquic, moq-rs flattened) normalised to the codecs' shape.
 *
 * Export (`messageToQlog`): `type` first; namespaces (`track_namespace`, `track_namespace_prefix`,
 * `track_namespace_suffix`, `namespace_prefix` → `track_namespace_prefix`) as arrays of `MOQTByteString`;
 * `track_name` as a `MOQTByteString`; `reason_phrase` as `reason` (text) or `reason_bytes` (hex); a `parameters`
 * map as the draft's array of `{name, value}` with `number_of_parameters` (`setup_parameters` in the -06 setup
 * messages, `setup_options` for -07 `setup`); ids as numbers (decimal strings above 2^53 − 1); bytes as hex.
 *
 * Import (`normalizeMessage`): the inverse, plus the producers' variants (spec §9.3): camelCase keys and type
 * names, `subscribe_id`/`subscribeId`/`requestID` as `request_id`, namespaces as plain strings or `"/a/b"`,
 * parameters as `[key, value]` pairs, digit strings in numeric fields.
 *
 * @module
 * @internal
 */
import { fromTaggedJson, messageAsMap, toTaggedJson } from './moqtrace-api.js';
import { hexIn, hexOut, idOut, isObject, type JsonObject, numericIn } from './values.js';

const NAMESPACE_KEYS = new Set(['track_namespace', 'track_namespace_prefix', 'track_namespace_suffix']);

/** Plain JSON of an opaque value inside a message (bigint → number/string, bytes → hex, rest tagged). */
function plainJson(value: unknown, depth = 0): unknown {
  if (depth > 200) return toTaggedJson(value);
  switch (typeof value) {
    case 'bigint':
      return idOut(value);
    case 'number':
      return Number.isFinite(value) ? value : toTaggedJson(value);
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return toTaggedJson(value);
    default:
      break;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return hexOut(value);
  if (Array.isArray(value)) return value.map((item) => plainJson(item, depth + 1));
  const map = messageAsMap(value);
  if (!map || Object.getPrototypeOf(map) !== Object.prototype) return toTaggedJson(value);
  const out: JsonObject = {};
  for (const key of Object.keys(map)) out[key] = plainJson(map[key], depth + 1);
  return out;
}

function byteStringOut(value: unknown): unknown {
  if (typeof value === 'string') return { value };
  if (value instanceof Uint8Array) return { value_bytes: hexOut(value) };
  return plainJson(value);
}

function parametersOut(map: JsonObject): JsonObject[] {
  return Object.keys(map).map((name) => ({ name, value: plainJson(map[name]) }));
}

/**
 * The draft-shaped `message` object of a `.moqtrace` message. `name` is the message name (from `msg.type` or
 * the id table); a message that is not a map gives `{type: name}` only.
 */
export function messageToQlog(message: unknown, name: string, shape: 6 | 7): JsonObject {
  const out: JsonObject = { type: name };
  const map = messageAsMap(message);
  if (!map || Object.getPrototypeOf(map) !== Object.prototype) return out;
  const setup = name === 'setup' || name === 'client_setup' || name === 'server_setup';
  for (const key of Object.keys(map)) {
    if (key === 'type') continue;
    const value = map[key];
    if (NAMESPACE_KEYS.has(key) || key === 'namespace_prefix') {
      const target = key === 'namespace_prefix' ? 'track_namespace_prefix' : key;
      out[target] = Array.isArray(value) ? value.map(byteStringOut) : plainJson(value);
    } else if (key === 'track_name') {
      out.track_name = byteStringOut(value);
    } else if (key === 'reason_phrase' && typeof value === 'string') {
      out.reason = value;
    } else if (key === 'reason_phrase' && value instanceof Uint8Array) {
      out.reason_bytes = hexOut(value);
    } else if ((key === 'parameters' || key === 'options') && isObject(value) && !(value instanceof Uint8Array)) {
      const list = parametersOut(value);
      const target = setup ? (shape === 7 || name === 'setup' ? 'setup_options' : 'setup_parameters') : 'parameters';
      if (map.number_of_parameters === undefined) out.number_of_parameters = list.length;
      out[target] = list;
    } else {
      out[key] = plainJson(value);
    }
  }
  return out;
}

/** `publishNamespace_ok` → `publish_namespace_ok`, `requestID` → `request_id`, `CLIENT_SETUP` → `client_setup`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const NUMERIC_KEY =
  /(?:^|_)(?:id|ids|alias|code|priority|order|delta|length|count|timeout|expires|forward|version|versions|group|object|status|interval|exists|track|type|size)$/;

/** Digit strings (moxygen writes most numbers as strings) as numbers in fields that hold numbers. */
function numericValue(key: string, value: unknown): unknown {
  if (key === 'type' || !NUMERIC_KEY.test(key)) return value;
  if (typeof value === 'string') return numericIn(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? (numericIn(item) ?? item) : item));
  return value;
}

function namespaceIn(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') {
    const parts = value.split('/');
    if (parts[0] === '') parts.shift();
    return parts;
  }
  if (!Array.isArray(value)) return undefined;
  return value.map(byteStringIn);
}

function byteStringIn(value: unknown): unknown {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.value === 'string') return value.value;
  if (keys.length === 1 && keys[0] === 'value_bytes') return hexIn(value.value_bytes) ?? value;
  return value;
}

function parametersIn(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const out: JsonObject = {};
  for (const item of value) {
    let name: unknown;
    let content: unknown;
    if (Array.isArray(item) && item.length === 2) {
      [name, content] = item;
    } else if (isObject(item) && typeof item.name === 'string') {
      name = item.name;
      const rest: JsonObject = {};
      for (const key of Object.keys(item)) if (key !== 'name') rest[key] = item[key];
      content = Object.keys(rest).length === 1 && 'value' in rest ? rest.value : rest;
    } else {
      return value;
    }
    if (typeof name !== 'string' || Object.hasOwn(out, name)) return value;
    out[name] = content;
  }
  return out;
}

const REQUEST_ID_ALIASES = ['subscribe_id', 'request_i_d'];

/**
 * A producer's `message` normalised to the codecs' shape (see the module description). Anything that is not an
 * object is returned as is.
 */
export function normalizeMessage(message: unknown): unknown {
  if (!isObject(message)) return message;
  const out: JsonObject = {};
  let type: string | undefined;
  let parameterCount: unknown;
  for (const rawKey of Object.keys(message)) {
    const key = snakeCase(rawKey);
    const value = message[rawKey];
    if (key === 'type' && typeof value === 'string') {
      type = snakeCase(value);
      out.type = type;
    } else if (NAMESPACE_KEYS.has(key)) {
      const list = namespaceIn(value);
      out[key] = list ?? value;
      if (typeof value === 'string') out[`${key}_original`] = value;
    } else if (key === 'track_name') {
      out.track_name = byteStringIn(value);
    } else if (key === 'reason' && typeof value === 'string') {
      out.reason_phrase = value;
    } else if (key === 'reason_bytes') {
      out.reason_phrase = hexIn(value) ?? value;
    } else if (key === 'number_of_parameters') {
      parameterCount = value;
    } else if (key === 'setup_parameters' || key === 'setup_options' || key === 'parameters') {
      const target = key === 'setup_options' && type === 'setup' ? 'options' : 'parameters';
      out[target] = parametersIn(value);
    } else {
      out[key] = numericValue(key, value);
    }
  }
  // The count is implied by the parameters; keep it only when it says something else.
  if (parameterCount !== undefined) {
    const params = out.parameters ?? out.options;
    const count = Array.isArray(params) ? params.length : isObject(params) ? Object.keys(params).length : undefined;
    if (count === undefined || numericIn(parameterCount) !== count) out.number_of_parameters = parameterCount;
  }
  if (out.type === 'setup' && out.parameters !== undefined && out.options === undefined) {
    out.options = out.parameters;
    delete out.parameters;
  }
  if (out.request_id === undefined) {
    for (const alias of REQUEST_ID_ALIASES) {
      if (out[alias] !== undefined) {
        out.request_id = out[alias];
        delete out[alias];
        break;
      }
    }
  }
  return out;
}

/** The inverse of {@link toTaggedJson} for a message kept verbatim (`moqtrace_message`). */
export function messageFromTagged(value: unknown): unknown {
  return fromTaggedJson(value);
}
