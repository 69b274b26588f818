// The workspace packages (packages/* and apps/* folders with a package.json), for the repository scripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every workspace package under `root`: `{ dir, group ('packages' | 'apps'), manifestPath, manifest }`. */
export function workspacePackages(root) {
  const found = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const dirName of readdirSync(groupDir)) {
      const dir = join(groupDir, dirName);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      found.push({ dir, group, manifestPath, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) });
    }
  }
  return found;
}
