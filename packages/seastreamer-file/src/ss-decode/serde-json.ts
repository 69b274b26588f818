/**
 * Re-serialises JSON text the way Rust's `serde_json` (default features) does in the reference `ss-decode`:
 * parse into a `Value` (objects are `BTreeMap`s: keys sorted by UTF-8 bytes, the last duplicate wins; integers
 * kept exact as u64/i64, other numbers f64), then print compactly (`ryu` float formatting: `1.0`, `1e30`,
 * `-0.0`; strings escaped as `JSON.stringify` escapes them). Returns `undefined` where `serde_json::from_str`
 * fails, so the caller falls back to a string.
 *
 * One pass, no tree: each value is printed as it is parsed; a string without escapes is copied as it is
 * (its JSON text is already what printing would give), and an object's members are sorted only when they
 * are not already in order without duplicates.
 *
 * @module
 */

const MAX_DEPTH = 127;
const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/**
 * The end of a string, or what keeps its text from being copied as it is: a backslash (an escape), a control
 * character (invalid JSON) or a surrogate (printing escapes a lone one). One native scan per string.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const STRING_STOP = /["\\\u0000-\u001f\ud800-\udfff]/g;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * `ryu`'s shortest formatting of a finite f64, as serde_json prints it.
 *
 * @example
 * ```ts
 * formatRyu(1);       // '1.0'
 * formatRyu(1e16);    // '1e16'
 * formatRyu(1.5e-7);  // '1.5e-7'
 * ```
 */
export function formatRyu(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const exp = Math.abs(value).toExponential();
  const [mantissa, e] = exp.split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const length = digits.length;
  const kk = Number(e) + 1;
  const k = kk - length;
  if (k >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(k)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  if (length === 1) return `${sign}${digits}e${kk - 1}`;
  return `${sign}${digits[0]}.${digits.slice(1)}e${kk - 1}`;
}

function sortKey(c: number): number {
  // order UTF-16 code units like UTF-8 bytes: surrogates (astral) after U+E000..U+FFFF
  return c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c;
}

/**
 * Compares two strings in UTF-8 byte order (Rust `String` order).
 *
 * @example
 * ```ts
 * compareUtf8('\uffff', '\ud83c\udf0a') < 0; // true: U+FFFF sorts before U+1F30A in UTF-8
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return sortKey(x) - sortKey(y);
  }
  return a.length - b.length;
}

function integerText(text: string): string | undefined {
  const negative = text.charCodeAt(0) === 0x2d;
  if (text.length < 19) return negative && text === '-0' ? '-0.0' : text;
  const big = BigInt(text);
  if (negative ? big >= I64_MIN : big <= U64_MAX) return text;
  return undefined;
}

/** One parse-and-print pass over a text; every method returns the printed text, or `undefined` on failure. */
class Pass {
  pos = 0;
  private depth = 0;
  /** The decoded value of the string printed last, when it had escapes (else `lastStart` to `pos - 1`). */
  private lastString: string | undefined;
  private lastStart = 0;

  constructor(private readonly s: string) {}

  ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) p++;
      else break;
    }
    this.pos = p;
  }

  value(): string | undefined {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal('true');
      case 0x66:
        return this.literal('false');
      case 0x6e:
        return this.literal('null');
      default:
        return c === 0x2d || (c >= 0x30 && c <= 0x39) ? this.number() : undefined;
    }
  }

  private literal(word: string): string | undefined {
    if (!this.s.startsWith(word, this.pos)) return undefined;
    this.pos += word.length;
    return word;
  }

  private number(): string | undefined {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (m === null) return undefined;
    const text = m[0];
    this.pos += text.length;
    let integer = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2e || c === 0x65 || c === 0x45) {
        integer = false;
        break;
      }
    }
    if (integer) {
      const exact = integerText(text);
      if (exact !== undefined) return exact;
    }
    const value = Number(text);
    return Number.isFinite(value) ? formatRyu(value) : undefined;
  }

  private string(): string | undefined {
    const s = this.s;
    const start = this.pos + 1;
    STRING_STOP.lastIndex = start;
    if (!STRING_STOP.test(s)) return undefined; // never closed
    const stop = STRING_STOP.lastIndex - 1;
    if (s.charCodeAt(stop) === 0x22) {
      // No escape, no control, no surrogate: the JSON text is what printing the value gives.
      this.pos = stop + 1;
      this.lastStart = start;
      this.lastString = undefined;
      return s.slice(start - 1, stop + 1);
    }
    const decoded = this.decodeString(start);
    if (decoded === undefined) return undefined;
    this.lastString = decoded;
    return JSON.stringify(decoded);
  }

  /** The decoded value of the string printed last (an object key). */
  private lastValue(): string {
    return this.lastString ?? this.s.slice(this.lastStart, this.pos - 1);
  }

  private decodeString(start: number): string | undefined {
    const s = this.s;
    let p = start;
    let out = '';
    let from = p;
    for (;;) {
      if (p >= s.length) return undefined;
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return out + s.slice(from, p);
      }
      if (c < 0x20) return undefined;
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += s.slice(from, p);
      const e = s.charCodeAt(p + 1);
      p += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const unit = this.hex4(p);
          if (unit < 0) return undefined;
          p += 4;
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (s.charCodeAt(p) !== 0x5c || s.charCodeAt(p + 1) !== 0x75) return undefined;
            const low = this.hex4(p + 2);
            if (low < 0xdc00 || low > 0xdfff) return undefined;
            p += 6;
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            return undefined;
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          return undefined;
      }
      from = p;
    }
  }

  private hex4(at: number): number {
    const text = this.s.slice(at, at + 4);
    return HEX4.test(text) ? Number.parseInt(text, 16) : -1;
  }

  private array(): string | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return '[]';
    }
    let out = '[';
    for (;;) {
      const item = this.value();
      if (item === undefined) return undefined;
      out += item;
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x5d) break;
      if (c !== 0x2c) return undefined;
      out += ',';
    }
    this.depth--;
    return `${out}]`;
  }

  private object(): string | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    const s = this.s;
    this.pos++;
    this.ws();
    if (s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return '{}';
    }
    const keys: string[] = [];
    const members: string[] = [];
    let ordered = true;
    for (;;) {
      this.ws();
      if (s.charCodeAt(this.pos) !== 0x22) return undefined;
      const keyText = this.string();
      if (keyText === undefined) return undefined;
      const key = this.lastValue();
      this.ws();
      if (s.charCodeAt(this.pos) !== 0x3a) return undefined;
      this.pos++;
      const value = this.value();
      if (value === undefined) return undefined;
      if (ordered && keys.length > 0 && compareUtf8(keys[keys.length - 1] as string, key) >= 0) ordered = false;
      keys.push(key);
      members.push(`${keyText}:${value}`);
      this.ws();
      const c = s.charCodeAt(this.pos++);
      if (c === 0x7d) break;
      if (c !== 0x2c) return undefined;
    }
    this.depth--;
    if (ordered) return members.length === 1 ? `{${members[0]}}` : `{${members.join(',')}}`;
    // Out of order or duplicated: the last duplicate wins, then byte-wise key order.
    const last = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) last.set(keys[i] as string, i);
    const order = [...last.entries()].sort((a, b) => compareUtf8(a[0], b[0]));
    return `{${order.map(([, i]) => members[i]).join(',')}}`;
  }
}

/**
 * `serde_json::to_string(&serde_json::from_str::<Value>(text)?)`, or `undefined` when parsing fails.
 *
 * @example
 * ```ts
 * reserializeLikeSerde('{"b":1.0, "a":[1e30]}'); // '{"a":[1e30],"b":1.0}'
 * reserializeLikeSerde('not json'); // undefined
 * ```
 */
export function reserializeLikeSerde(text: string): string | undefined {
  const pass = new Pass(text);
  const out = pass.value();
  if (out === undefined) return undefined;
  pass.ws();
  return pass.pos === text.length ? out : undefined;
}
