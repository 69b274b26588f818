/**
 * Argument parsers and help texts shared by the command definitions.
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** Parses a non-negative integer option. */
export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('number too large');
  return n;
}

/** Parses a positive integer option. */
export function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Parses an unsigned 64-bit integer option (kept as text to stay exact). */
export function u64Arg(value: string): string {
  const text = value.trim();
  if (!/^\d+$/.test(text) || BigInt(text) > 18446744073709551615n) {
    throw new InvalidArgumentError('expected an unsigned 64-bit integer');
  }
  return text;
}

/** Parses a TCP port (0 = any free port). */
export function portArg(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

/** The exit-code line of every help text. */
export const EXIT_HELP = `
Exit codes: 0 ok (warnings do not count), 1 problems in the data, 2 usage or I/O error.`;

/** The time units of `--from`, `--to` and `--time`. */
export const TIME_HELP = `
Times (--from, --to, --time): ISO-8601 (2023-11-14T22:13:20.5Z) or a number. For .ss a number is
milliseconds since the Unix epoch; for .moqtrace and qlog a number is
microseconds relative to the header's startTime (the unit of the events' timestamp field).`;

/** A help section of examples (`$ xtrace ...` lines) followed by the exit codes. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n${EXIT_HELP}`;
}
