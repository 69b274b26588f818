#!/usr/bin/env node
// Copies the built web viewer (apps/viewer/dist) into this package's viewer/ folder, which `xtrace view` serves
// and the published package ships (package.json "files"). The CLI never imports @x/viewer: the two apps are
// siblings and only the static build crosses over. Runs as part of `pnpm build` (after `tsc -b`); turbo runs
// the viewer's build first. Without a viewer build it prints a note, removes any stale copy and succeeds, so
// the CLI still builds (`xtrace view` then uses --viewer-dir, $XTRACE_VIEWER_DIR or ../viewer/dist).
import { cpSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const source = join(cliRoot, '..', 'viewer', 'dist');
const target = join(cliRoot, 'viewer');
const staging = join(cliRoot, `.viewer-${process.pid}.tmp`);

rmSync(staging, { recursive: true, force: true });
const built = existsSync(join(source, 'index.html')) && statSync(join(source, 'index.html')).isFile();
if (!built) {
  rmSync(target, { recursive: true, force: true });
  console.log(
    `copy-viewer: no viewer build in ${relative(process.cwd(), source) || source} (no index.html); ` +
      '`xtrace view` will need one: run `pnpm --filter @x/viewer build`, then build the CLI again',
  );
  process.exit(0);
}
try {
  // copy next to the target, then swap, so an interrupted copy never leaves a half viewer behind
  cpSync(source, staging, { recursive: true, dereference: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(
  `copy-viewer: ${relative(process.cwd(), source) || source} -> ${relative(process.cwd(), target) || target}`,
);
