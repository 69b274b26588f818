/**
 * Terminal-safe text: every control character and every other code point a terminal would not print as itself
 * (C0 and C1 controls, DEL, format characters such as bidirectional overrides and zero-width spaces, line and
 * paragraph separators, private-use, unassigned and lone surrogate code points) becomes a visible escape, so that
 * a crafted file name, stream key or message cannot clear the screen, set colours, reorder text or break the
 * one-line-per-problem layout of human-readable output. JSON output is escaped by `JSON.stringify` instead.
 *
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Co}\p{Cn}\p{Cs}\u2028\u2029]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Co}\p{Cn}\p{Cs}\u2028\u2029]/u;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) as number;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * The text with every non-printable code point escaped (`\x1b`, `\n`, `\t`, `\u202e`, `\u{e0001}`); printable
 * text, including any script and emoji, is left as it is.
 *
 * @example
 * ```ts
 * escapeText('key\u001b[2J'); // 'key\\x1b[2J'
 * escapeText('a\nb');         // 'a\\nb'
 * ```
 */
export function escapeText(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}

/**
 * Like {@link escapeText}, but keeps tab and newline (multi-line text such as a log payload shown whole).
 */
export function escapeKeepingLines(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? c : escapeOne(c))) : text;
}
