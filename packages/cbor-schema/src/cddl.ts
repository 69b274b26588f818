/**
 * CDDL (RFC 8610) rendering of schemas.
 *
 * @module
 */
import type {
  ArraySchema,
  BytesSchema,
  EnumSchema,
  IntSchema,
  LiteralSchema,
  LiteralValue,
  NullableSchema,
  RecordSchema,
  Schema,
  TransformSchema,
  TupleSchema,
  UintSchema,
} from './schema.js';
import type { AnyStructSchema, FieldInfo, StructShape, UnionSchema, VariantMap } from './struct.js';

/** Options of {@link toCDDL}. */
export interface CddlOptions {
  /** Name of the root rule (default: the schema's `named()` name, else `root`). */
  name?: string;
  /** Add `; friendlyName` comments after struct fields whose friendly name differs from the wire key. Default true. */
  comments?: boolean;
}

interface Ctx {
  rules: Map<string, string>;
  pending: [string, Schema<unknown>][];
  comments: boolean;
}

const BAREWORD = /^[A-Za-z@_$]([-.]*[A-Za-z@_$0-9])*$/;
const UINT64_MAX = 0xffffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
const INT64_MAX = 0x7fffffffffffffffn;

function literal(v: LiteralValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(v).includes('.') ? String(v) : `${v}.0`;
  return String(v);
}

function keyText(key: string | number): string {
  if (typeof key === 'number') return String(key);
  return BAREWORD.test(key) ? key : JSON.stringify(key);
}

function ref(schema: Schema<unknown>, ctx: Ctx, parens: boolean): string {
  const name = schema.cddlName;
  if (name !== undefined) {
    if (!ctx.rules.has(name) && !ctx.pending.some(([n]) => n === name)) ctx.pending.push([name, schema]);
    return name;
  }
  const text = render(schema, ctx, name ?? 'anonymous');
  return parens && text.includes(' / ') ? `(${text})` : text;
}

function render(schema: Schema<unknown>, ctx: Ctx, ruleName: string): string {
  switch (schema.kind) {
    case 'uint': {
      const s = schema as UintSchema;
      if (s.min === 0n && s.max === UINT64_MAX) return 'uint';
      return `${s.min}..${s.max}`;
    }
    case 'int': {
      const s = schema as IntSchema;
      if (s.min === INT64_MIN && s.max === INT64_MAX) return 'int';
      return `${s.min}..${s.max}`;
    }
    case 'float':
      // Integral values are written as integers.
      return 'float / int';
    case 'text':
      return 'tstr';
    case 'bytes': {
      const size = (schema as BytesSchema).size;
      return size === undefined ? 'bstr' : `bstr .size ${size}`;
    }
    case 'bool':
      return 'bool';
    case 'null':
      return 'null';
    case 'literal':
      return literal((schema as LiteralSchema<LiteralValue>).value);
    case 'enum':
      return (schema as EnumSchema<LiteralValue>).values.map(literal).join(' / ');
    case 'any':
      return 'any';
    case 'nullable':
      return `${ref((schema as NullableSchema<Schema<unknown>>).inner, ctx, true)} / null`;
    case 'array': {
      const s = schema as ArraySchema<Schema<unknown>>;
      const occ =
        s.min === 0 && s.max === Number.POSITIVE_INFINITY
          ? '* '
          : s.min === 1 && s.max === Number.POSITIVE_INFINITY
            ? '+ '
            : `${s.min}*${s.max === Number.POSITIVE_INFINITY ? '' : s.max} `;
      return `[${occ}${ref(s.item, ctx, true)}]`;
    }
    case 'tuple':
      return `[${(schema as TupleSchema<Schema<unknown>[]>).items.map((i) => ref(i, ctx, false)).join(', ')}]`;
    case 'record': {
      const s = schema as RecordSchema<Schema<unknown>, Schema<unknown>>;
      return `{ * ${ref(s.key, ctx, true)} => ${ref(s.value, ctx, false)} }`;
    }
    case 'struct':
      return structBody((schema as unknown as AnyStructSchema).fields, ctx, undefined);
    case 'transform': {
      const t = schema as TransformSchema<unknown>;
      return t.refinement?.cddl ?? ref(t.inner, ctx, false);
    }
    case 'union':
      return unionRules(
        schema as unknown as UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject', undefined, string>,
        ctx,
        ruleName,
      );
  }
}

function structBody(
  fields: readonly FieldInfo[],
  ctx: Ctx,
  fixed: { name: string; value: string } | undefined,
): string {
  const lines: string[] = [];
  for (const f of fields) {
    const type = fixed !== undefined && f.name === fixed.name ? fixed.value : ref(f.schema, ctx, false);
    const sep = typeof f.key === 'number' || !BAREWORD.test(f.key) ? ' =>' : ':';
    let line = `  ${f.optional ? '? ' : ''}${keyText(f.key)}${sep} ${type},`;
    if (ctx.comments && f.name !== f.key) line += ` ; ${f.name}`;
    lines.push(line);
  }
  lines.push('  * (tstr / int) => any, ; unknown keys, kept in the store');
  return `{\n${lines.join('\n')}\n}`;
}

function unionRules(
  schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject', undefined, string>,
  ctx: Ctx,
  name: string,
): string {
  const names: string[] = [];
  for (const [value, merged] of schema.merged) {
    const ruleName = merged.cddlName ?? `${name}-${value}`;
    names.push(ruleName);
    ctx.rules.set(ruleName, structBody(merged.fields, ctx, { name: schema.discriminator, value: literal(value) }));
  }
  if (schema.unknown === 'keep') {
    const ruleName = `${name}-unknown`;
    names.push(ruleName);
    ctx.rules.set(ruleName, structBody(schema.unknownStruct.fields, ctx, undefined));
  }
  return names.join(' / ');
}

/**
 * Renders a schema as CDDL (RFC 8610): the root rule first, then rules for union variants and for
 * sub-schemas named with `.named()`. Struct fields show their wire keys with the friendly names as comments;
 * every struct allows unknown keys (`* (tstr / int) => any`), which decoding keeps in the store.
 *
 * @example
 * ```ts
 * toCDDL(c.struct({ streamId: c.field('sid', c.uint()) }), { name: 'event' });
 * // event = {
 * //   sid: uint, ; streamId
 * //   * (tstr / int) => any, ; unknown keys, kept in the store
 * // }
 * ```
 */
export function toCDDL(schema: Schema<unknown>, options: CddlOptions = {}): string {
  const ctx: Ctx = { rules: new Map(), pending: [], comments: options.comments !== false };
  const rootName = options.name ?? schema.cddlName ?? 'root';
  const out: string[] = [];
  const root = render(schema, ctx, rootName);
  out.push(`${rootName} = ${root}`);
  const emitted = new Set([rootName]);
  const flush = () => {
    for (const [n, text] of ctx.rules) {
      if (!emitted.has(n)) {
        emitted.add(n);
        out.push(`${n} = ${text}`);
      }
    }
  };
  flush();
  while (ctx.pending.length > 0) {
    const [n, s] = ctx.pending.shift() as [string, Schema<unknown>];
    if (emitted.has(n)) continue;
    const text = render(s, ctx, n);
    emitted.add(n);
    out.push(`${n} = ${text}`);
    flush();
  }
  return `${out.join('\n\n')}\n`;
}
