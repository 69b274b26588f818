/**
 * Where `xtrace view` finds the web viewer's built files. The CLI never imports `@x/viewer` (the two apps are
 * siblings): the build copies `apps/viewer/dist` into the CLI package's `viewer/` folder
 * (`scripts/copy-viewer.mjs`), and a run from the repository can also use `apps/viewer/dist` directly.
 *
 * @module
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XtraceError } from '../errors.js';

/** How to get a viewer build, appended to every "not found" message. */
export const BUILD_HINT =
  'build it with `pnpm --filter @x/viewer build` (then `pnpm --filter @x/cli build` packages it), or pass --viewer-dir DIR';

/** A place to look for the viewer. */
export interface ViewerCandidate {
  /** The folder that should hold `index.html`. */
  dir: string;
  /** Where it comes from, for messages (`--viewer-dir`, `XTRACE_VIEWER_DIR`, `packaged`, `repository`). */
  source: string;
}

/** The folder found (its real path) and where it comes from. */
export type ViewerLocation = ViewerCandidate;

/** The CLI package's own places, from this module (`src/serve/` or `dist/serve/`): `viewer/`, `../viewer/dist`. */
export function defaultCandidates(): ViewerCandidate[] {
  return [
    { dir: fileURLToPath(new URL('../../viewer/', import.meta.url)), source: 'packaged' },
    { dir: fileURLToPath(new URL('../../../viewer/dist/', import.meta.url)), source: 'repository' },
  ];
}

function hasIndex(dir: string): boolean {
  try {
    return statSync(resolve(dir, 'index.html')).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the viewer: `--viewer-dir` (`flag`), else `XTRACE_VIEWER_DIR`, else the defaults (the packaged copy,
 * then the repository sibling). An explicit folder (flag or environment) without `index.html` is an error, not
 * a reason to look further.
 *
 * @throws {XtraceError} `VIEWER_NOT_FOUND` (exit 2) with a hint on how to build the viewer
 */
export function findViewerDir(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  candidates: readonly ViewerCandidate[] = defaultCandidates(),
): ViewerLocation {
  const explicit: ViewerCandidate | undefined =
    flag !== undefined
      ? { dir: flag, source: '--viewer-dir' }
      : env.XTRACE_VIEWER_DIR
        ? { dir: env.XTRACE_VIEWER_DIR, source: 'XTRACE_VIEWER_DIR' }
        : undefined;
  if (explicit) {
    const dir = resolve(explicit.dir);
    if (!hasIndex(dir)) {
      throw new XtraceError('VIEWER_NOT_FOUND', `no index.html in ${dir} (${explicit.source}); ${BUILD_HINT}`);
    }
    return { dir: realpathSync(dir), source: explicit.source };
  }
  for (const candidate of candidates) {
    if (hasIndex(candidate.dir)) return { dir: realpathSync(candidate.dir), source: candidate.source };
  }
  const looked = candidates.map((c) => resolve(c.dir)).join(', ');
  throw new XtraceError('VIEWER_NOT_FOUND', `the web viewer is not built (no index.html in ${looked}); ${BUILD_HINT}`);
}
