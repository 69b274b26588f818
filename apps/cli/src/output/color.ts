/**
 * Colours through picocolors, enabled per stream: `NO_COLOR` (non-empty) disables, `FORCE_COLOR` (not `0`)
 * enables, otherwise only a TTY that is not `TERM=dumb` gets colours.
 *
 * @module
 */
import pc from 'picocolors';

/** The colour functions the CLI uses (identity functions when colours are off). */
export type Colors = Pick<
  ReturnType<typeof pc.createColors>,
  'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'magenta' | 'gray'
>;

/** Decides whether a stream gets colours. */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '')
    return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY === true && env.TERM !== 'dumb';
}

/** Colour functions, enabled or not. */
export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
