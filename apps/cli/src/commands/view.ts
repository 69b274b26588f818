/**
 * `xtrace view`: placeholder until the viewer lands.
 *
 * @module
 */
import { XtraceError } from '../errors.js';
import type { Context } from '../io.js';

/** Says that the viewer is not available yet (exit 2). */
export async function view(_ctx: Context, _files: string[]): Promise<void> {
  throw new XtraceError(
    'NOT_AVAILABLE',
    'xtrace view arrives with the viewer (@x/viewer); it is not available in this version',
  );
}
