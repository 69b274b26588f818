// Mutations of seed inputs. Byte-level ones for every family (bit flips, interesting bytes and integers, forged
// lengths and CBOR heads, inserted, deleted, duplicated and spliced ranges, cuts, beacon-aligned writes for .ss),
// JSON-aware ones for the text families (values of the wrong type, unknown or missing keys, misspelt kinds, bad
// payload encodings, deep nesting, BOM, CRLF, invalid UTF-8), and amplifications (a slice or a line repeated
// thousands of times, long runs of nesting bytes) that the fuzzer also replays at a quarter of the size to check
// that the time grows linearly.

const INTERESTING_BYTES = [
  0x00, 0x01, 0x0d, 0x1b, 0x1f, 0x3f, 0x5f, 0x7f, 0x80, 0x81, 0x9f, 0xa1, 0xbf, 0xc0, 0xd9, 0xf7, 0xfb, 0xff,
];
const INTERESTING_U32 = [
  0, 1, 127, 128, 255, 256, 1023, 1024, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
// CBOR heads declaring huge lengths or counts: bytes, text, array, map (u32 and u64 lengths), tags, indefinite.
const HEADS = [
  [0x5a, 0xff, 0xff, 0xff, 0xff],
  [0x5b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
  [0x7a, 0x7f, 0xff, 0xff, 0xff],
  [0x9a, 0xff, 0xff, 0xff, 0xff],
  [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xba, 0x10, 0x00, 0x00, 0x00],
  [0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xdb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xd9, 0x01, 0x03],
  [0xc2, 0x5f],
  [0x9f],
  [0xbf],
  [0x7f, 0x61],
  [0xfc],
  [0xf8, 0x10],
];

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The beacon interval of a .ss header, when the bytes start with one. */
function ssInterval(bytes) {
  if (bytes.length < 16 || bytes[0] !== 0x53 || bytes[1] !== 0x73) return undefined;
  const n = bytes[3];
  if (16 + n > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const interval = view.getUint32(12 + n);
  return interval >= 128 ? interval : undefined;
}

const BYTE_MUTATORS = {
  flip(rng, b) {
    if (b.length === 0) return [b, 'flip (empty)'];
    const out = b.slice();
    const at = rng.int(out.length);
    out[at] ^= 1 << rng.int(8);
    return [out, `flip bit at ${at}`];
  },
  set(rng, b) {
    if (b.length === 0) return [Uint8Array.of(rng.pick(INTERESTING_BYTES)), 'set byte of empty'];
    const out = b.slice();
    const at = rng.int(out.length);
    out[at] = rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
    return [out, `set byte at ${at} to ${out[at]}`];
  },
  integer(rng, b) {
    if (b.length < 4) return BYTE_MUTATORS.set(rng, b);
    const out = b.slice();
    const at = rng.int(out.length - 3);
    const view = new DataView(out.buffer);
    const value = rng.chance(0.7) ? rng.pick(INTERESTING_U32) : (b.length + rng.range(-4, 4)) >>> 0;
    if (rng.chance(0.3)) view.setUint16(at, value & 0xffff);
    else view.setUint32(at, value);
    return [out, `write integer ${value} at ${at}`];
  },
  head(rng, b) {
    const at = rng.int(b.length + 1);
    const head = Uint8Array.from(rng.pick(HEADS));
    const replace = rng.chance(0.5) ? Math.min(head.length, b.length - at) : 0;
    return [concat(b.subarray(0, at), head, b.subarray(at + replace)), `CBOR head ${head[0].toString(16)} at ${at}`];
  },
  insert(rng, b) {
    const at = rng.int(b.length + 1);
    const bytes = rng.chance(0.5)
      ? rng.bytes(rng.range(1, 8))
      : new Uint8Array(rng.range(1, 8)).fill(rng.pick(INTERESTING_BYTES));
    return [concat(b.subarray(0, at), bytes, b.subarray(at)), `insert ${bytes.length} bytes at ${at}`];
  },
  remove(rng, b) {
    if (b.length === 0) return [b, 'remove (empty)'];
    const at = rng.int(b.length);
    const n = Math.min(b.length - at, rng.smallSize(rng.chance(0.1) ? 4096 : 64));
    return [concat(b.subarray(0, at), b.subarray(at + n)), `remove ${n} bytes at ${at}`];
  },
  duplicate(rng, b) {
    if (b.length === 0) return [b, 'duplicate (empty)'];
    const from = rng.int(b.length);
    const n = Math.min(b.length - from, rng.smallSize(2048));
    const at = rng.int(b.length + 1);
    return [
      concat(b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)),
      `copy ${n} bytes from ${from} to ${at}`,
    ];
  },
  cut(rng, b) {
    const at = rng.int(b.length + 1);
    return [b.subarray(0, at), `cut at ${at}`];
  },
  splice(rng, b, other) {
    if (other === undefined || other.length === 0) return BYTE_MUTATORS.duplicate(rng, b);
    const from = rng.int(other.length);
    const n = Math.min(other.length - from, rng.smallSize(4096));
    const at = rng.int(b.length + 1);
    const replace = rng.chance(0.5) ? Math.min(n, b.length - at) : 0;
    return [
      concat(b.subarray(0, at), other.subarray(from, from + n), b.subarray(at + replace)),
      `splice ${n} bytes of another seed at ${at}`,
    ];
  },
  aligned(rng, b) {
    // Writes at a beacon position of a .ss file (its remaining-bytes count, marker count, markers) or at a
    // round offset of anything else.
    const interval = ssInterval(b) ?? rng.pick([128, 256, 1024, 4096]);
    const beacons = Math.floor(b.length / interval);
    if (beacons === 0) return BYTE_MUTATORS.integer(rng, b);
    const out = b.slice();
    const at = interval * rng.range(1, beacons) + rng.pick([0, 1, 2, 3, 4, 5, 6, rng.int(64)]);
    if (at + 4 > out.length) return BYTE_MUTATORS.set(rng, b);
    const view = new DataView(out.buffer);
    if (rng.chance(0.5)) view.setUint32(at, rng.pick(INTERESTING_U32));
    else out[at] = rng.pick(INTERESTING_BYTES);
    return [out, `beacon-aligned write at ${at} (interval ${interval})`];
  },
};

const BYTE_WEIGHTS = [
  ['flip', 3],
  ['set', 4],
  ['integer', 3],
  ['head', 2],
  ['insert', 2],
  ['remove', 2],
  ['duplicate', 1],
  ['cut', 1],
  ['splice', 1],
  ['aligned', 2],
];

/** Values of the wrong type, edge values and hostile strings for JSON fields. */
function hostileValue(rng, old) {
  return rng.pick([
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -0,
    2 ** 53,
    '18446744073709551616',
    '-5',
    '',
    'x'.repeat(rng.int(3) === 0 ? 70_000 : 20),
    '\u001b[2J\u001b[31m',
    '\ud800',
    'not base64!!',
    'AAA=',
    'utf-16',
    [],
    {},
    [old],
    { $bytes: 'zz' },
    { $bigint: '1' },
    typeof old === 'string' ? `${old}x` : old,
    typeof old === 'number' ? old + 1 : 7,
  ]);
}

function mutateJsonValue(rng, value, depth = 0) {
  if (Array.isArray(value)) {
    if (value.length === 0 || rng.chance(0.2)) {
      const copy = [...value];
      if (rng.chance(0.5) && copy.length > 0) copy.splice(rng.int(copy.length), 1);
      else copy.push(hostileValue(rng, undefined));
      return copy;
    }
    const copy = [...value];
    const i = rng.int(copy.length);
    copy[i] = mutateJsonValue(rng, copy[i], depth + 1);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const copy = { ...value };
    const op = rng.int(keys.length === 0 ? 2 : 6);
    if (op === 0)
      copy[rng.pick(['kind', 'type', 'x-new', 'payloadEncoding', 'extra', 'streamKey', 'bogus'])] = hostileValue(
        rng,
        undefined,
      );
    else if (op === 1)
      copy.kind = rng.pick(['header', 'event', 'message', 'mesage', 'Event', 'beacon', 'error', 'end', undefined]);
    else if (op === 2) delete copy[rng.pick(keys)];
    else if (op === 3) {
      const key = rng.pick(keys);
      copy[key] =
        depth < 4 && rng.chance(0.5) ? mutateJsonValue(rng, copy[key], depth + 1) : hostileValue(rng, copy[key]);
    } else if (op === 4) {
      const key = rng.pick(keys);
      copy[key] = hostileValue(rng, copy[key]);
    } else {
      const key = rng.pick(keys);
      const renamed = `${key}${rng.pick(['s', '_', 'X', ''])}`;
      copy[renamed] = copy[key];
      if (renamed !== key) delete copy[key];
    }
    return copy;
  }
  return hostileValue(rng, value);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Mutates one JSON record line (an NDJSON line or a JSON-SEQ record) or the whole JSON document. */
function mutateText(rng, bytes) {
  const text = decoder.decode(bytes);
  const lines = text.split('\n');
  const op = rng.int(12);
  const i = rng.int(lines.length);
  if (op <= 4) {
    // A value inside one record.
    const line = lines[i];
    const rs = line.startsWith('\u001e') ? '\u001e' : '';
    let parsed;
    try {
      parsed = JSON.parse(line.slice(rs.length));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      try {
        const whole = JSON.parse(text);
        return [encoder.encode(JSON.stringify(mutateJsonValue(rng, whole))), 'mutate a value of the document'];
      } catch {
        return [bytes, 'no JSON to mutate'];
      }
    }
    try {
      lines[i] = rs + JSON.stringify(mutateJsonValue(rng, parsed));
    } catch {
      // JSON.parse reads nesting that JSON.stringify cannot write back (a deep-nesting mutation before this one).
      return [bytes, `line ${i + 1} too deep to mutate`];
    }
    return [encoder.encode(lines.join('\n')), `mutate a value on line ${i + 1}`];
  }
  if (op === 5) {
    lines.splice(i, 1);
    return [encoder.encode(lines.join('\n')), `delete line ${i + 1}`];
  }
  if (op === 6) {
    lines.splice(rng.int(lines.length + 1), 0, lines[i]);
    return [encoder.encode(lines.join('\n')), `duplicate line ${i + 1}`];
  }
  if (op === 7) {
    const inserted = rng.pick([
      '{}',
      '[]',
      'null',
      '""',
      '{"kind":"mesage"}',
      '{"kind":"event"}',
      '   ',
      '\u001e',
      '{"kind":"header"}',
    ]);
    lines.splice(rng.int(lines.length + 1), 0, inserted);
    return [encoder.encode(lines.join('\n')), `insert line ${inserted}`];
  }
  if (op === 8) return [concat(Uint8Array.of(0xef, 0xbb, 0xbf), bytes), 'BOM'];
  if (op === 9) return [encoder.encode(lines.join('\r\n')), 'CRLF'];
  if (op === 10) {
    const at = rng.int(bytes.length + 1);
    const bad = rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x00]]);
    return [concat(bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at)), `invalid UTF-8 at ${at}`];
  }
  const depth = rng.pick([50, 64, 65, 500, 501, 5000]);
  const line = lines[i];
  const at = line.lastIndexOf('}');
  if (at < 0) return [bytes, 'no object to nest in'];
  lines[i] = `${line.slice(0, at)},"x-deep":${'['.repeat(depth)}${']'.repeat(depth)}${line.slice(at)}`;
  return [encoder.encode(lines.join('\n')), `nest ${depth} arrays on line ${i + 1}`];
}

/**
 * An amplified input: `prefix`, `count` copies of `unit`, `suffix`. `build(n)` makes it with `n` copies, so the
 * fuzzer can compare the time at `count` and at `count / 4`.
 */
function amplify(rng, bytes, text) {
  let prefix;
  let unit;
  let suffix;
  let label;
  if (text && rng.chance(0.7)) {
    const lines = decoder.decode(bytes).split('\n');
    const i = rng.range(Math.min(1, lines.length - 1), lines.length - 1);
    prefix = encoder.encode(lines.slice(0, i).join('\n') + (i > 0 ? '\n' : ''));
    unit = encoder.encode(`${lines[i]}\n`);
    suffix = encoder.encode(lines.slice(i + 1).join('\n'));
    label = `line ${i + 1} repeated`;
  } else if (rng.chance(0.5)) {
    const at = rng.int(bytes.length + 1);
    prefix = bytes.subarray(0, at);
    suffix = bytes.subarray(at);
    unit = Uint8Array.from(
      rng.pick([
        [0x81],
        [0x9f],
        [0xbf, 0x61, 0x61],
        [0xa1, 0x01],
        [0xc6],
        [0x82, 0x00],
        [0x00],
        [0x5f],
        [0x9f, 0x9f],
        [0xff],
        [0x0d],
      ]),
    );
    label = `run of ${[...unit].map((x) => x.toString(16)).join(' ')} at ${at}`;
  } else {
    if (bytes.length === 0) return undefined;
    const from = rng.int(bytes.length);
    const n = Math.min(bytes.length - from, rng.smallSize(256));
    const at = rng.chance(0.5) ? from + n : rng.int(bytes.length + 1);
    unit = bytes.slice(from, from + n);
    prefix = bytes.subarray(0, at);
    suffix = bytes.subarray(at);
    label = `${n} bytes from ${from} repeated at ${at}`;
  }
  const target = rng.pick([64 * 1024, 512 * 1024, 2 * 1024 * 1024, 4 * 1024 * 1024]);
  const count = Math.max(64, Math.floor(target / Math.max(1, unit.length)));
  const build = (n) => {
    const out = new Uint8Array(prefix.length + unit.length * n + suffix.length);
    out.set(prefix, 0);
    for (let k = 0; k < n; k++) out.set(unit, prefix.length + k * unit.length);
    out.set(suffix, prefix.length + unit.length * n);
    return out;
  };
  return { count, build, label: `${label} ×${count}` };
}

/**
 * Mutates `bytes` (a seed) with 1–4 mutations; `text` families also get JSON-aware ones. About one case in 25 is
 * amplified instead. Returns `{ bytes, ops, amplified? }`.
 */
export function mutate(rng, bytes, { text = false, other } = {}) {
  if (rng.chance(0.04)) {
    const amplified = amplify(rng, bytes, text);
    if (amplified !== undefined) return { bytes: amplified.build(amplified.count), ops: [amplified.label], amplified };
  }
  const ops = [];
  let out = bytes;
  const n = rng.weighted([
    [1, 5],
    [2, 3],
    [3, 1],
    [4, 1],
  ]);
  for (let k = 0; k < n; k++) {
    let op;
    if (text && rng.chance(0.6)) [out, op] = mutateText(rng, out);
    else {
      const name = rng.weighted(BYTE_WEIGHTS);
      [out, op] = BYTE_MUTATORS[name](rng, out, other);
    }
    ops.push(op);
  }
  return { bytes: out, ops };
}
