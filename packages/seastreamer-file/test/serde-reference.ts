/**
 * The first serde_json clone (a tree of nodes, then printing), kept as the oracle of the differential test of
 * the single-pass re-serialiser in `src/ss-decode/serde-json.ts`.
 */

type Node =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; text: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; v: Node[] }
  | { t: 'obj'; v: Map<string, Node> };

const MAX_DEPTH = 127;
const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class ParseFail extends Error {}

class Parser {
  pos = 0;
  depth = 0;
  constructor(readonly s: string) {}

  fail(): never {
    throw new ParseFail();
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) this.pos++;
      else break;
    }
  }

  value(): Node {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return { t: 'str', v: this.string() };
      case 0x74:
        return this.literal('true', { t: 'bool', v: true });
      case 0x66:
        return this.literal('false', { t: 'bool', v: false });
      case 0x6e:
        return this.literal('null', { t: 'null' });
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail();
    }
  }

  literal(word: string, node: Node): Node {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return node;
    }
    return this.fail();
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail();
  }

  object(): Node {
    this.enter();
    this.pos++;
    const map = new Map<string, Node>();
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return { t: 'obj', v: map };
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail();
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail();
      this.pos++;
      const value = this.value();
      map.delete(key);
      map.set(key, value);
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x2c) continue;
      if (c === 0x7d) break;
      this.fail();
    }
    this.depth--;
    return { t: 'obj', v: map };
  }

  array(): Node {
    this.enter();
    this.pos++;
    const items: Node[] = [];
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return { t: 'arr', v: items };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x2c) continue;
      if (c === 0x5d) break;
      this.fail();
    }
    this.depth--;
    return { t: 'arr', v: items };
  }

  string(): string {
    const s = this.s;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail();
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail();
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      const e = s.charCodeAt(this.pos + 1);
      this.pos += 2;
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
          const unit = this.hex4();
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (s.charCodeAt(this.pos) !== 0x5c || s.charCodeAt(this.pos + 1) !== 0x75) this.fail();
            this.pos += 2;
            const low = this.hex4();
            if (low < 0xdc00 || low > 0xdfff) this.fail();
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.fail();
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          this.fail();
      }
      start = this.pos;
    }
  }

  hex4(): number {
    const text = this.s.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(text)) this.fail();
    this.pos += 4;
    return Number.parseInt(text, 16);
  }

  number(): Node {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) return this.fail();
    this.pos += m[0].length;
    return { t: 'num', text: normalizeNumber(m[0]) ?? this.fail() };
  }
}

/** `ryu`'s shortest formatting of a finite f64, as serde_json prints it. */
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

function normalizeNumber(text: string): string | undefined {
  if (/^-?[0-9]+$/.test(text)) {
    const big = BigInt(text);
    if (text.startsWith('-')) {
      if (big === 0n) return '-0.0';
      if (big >= I64_MIN) return big.toString();
    } else if (big <= U64_MAX) {
      return big.toString();
    }
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return formatRyu(value);
}

function sortKey(c: number): number {
  // order UTF-16 code units like UTF-8 bytes: surrogates (astral) after U+E000..U+FFFF
  return c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c;
}

/** Compares two strings in UTF-8 byte order (Rust `String` order). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return sortKey(x) - sortKey(y);
  }
  return a.length - b.length;
}

function print(node: Node): string {
  switch (node.t) {
    case 'null':
      return 'null';
    case 'bool':
      return node.v ? 'true' : 'false';
    case 'num':
      return node.text;
    case 'str':
      return JSON.stringify(node.v);
    case 'arr':
      return `[${node.v.map(print).join(',')}]`;
    case 'obj': {
      const keys = [...node.v.keys()].sort(compareUtf8);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${print(node.v.get(k)!)}`).join(',')}}`;
    }
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
  const parser = new Parser(text);
  try {
    const node = parser.value();
    parser.ws();
    if (parser.pos !== text.length) return undefined;
    return print(node);
  } catch (error) {
    if (error instanceof ParseFail) return undefined;
    throw error;
  }
}
