// The allowed dependency graph between workspace packages, and a checker that reads package.json
// dependencies and the import specifiers in source files. Used by check-layering.mjs and its test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspacePackages } from './workspace.mjs';

/** Direct edges a package may have to other @x packages (transitive descent is allowed). */
export const LAYERS = {
  '@x/binary': [],
  '@x/cbor-schema': ['@x/binary'],
  '@x/moqtrace': ['@x/cbor-schema', '@x/binary'],
  '@x/seastreamer-file': ['@x/binary'],
  '@x/moqt-qlog': ['@x/moqtrace', '@x/binary'],
  '@x/analytics': ['@x/moqtrace', '@x/seastreamer-file', '@x/binary'],
  '@x/cli': ['@x/binary', '@x/cbor-schema', '@x/moqtrace', '@x/moqt-qlog', '@x/seastreamer-file', '@x/analytics'],
  '@x/viewer': ['@x/binary', '@x/cbor-schema', '@x/moqtrace', '@x/moqt-qlog', '@x/seastreamer-file', '@x/analytics'],
};

const IMPORT_RE =
  /(?:import|export)\s[^'"]*?from\s*['"](@x\/[a-z0-9-]+)|import\(\s*['"](@x\/[a-z0-9-]+)|require\(\s*['"](@x\/[a-z0-9-]+)/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(m|c)?[jt]sx?$/.test(name)) yield path;
  }
}

/** Returns the list of violations (empty when the workspace respects the layering). */
export function checkLayering(root) {
  const problems = [];
  for (const { dir, manifestPath, manifest } of workspacePackages(root)) {
    const name = manifest.name;
    const allowed = LAYERS[name];
    if (!allowed) {
      problems.push(
        `${relative(root, manifestPath)}: package ${name} has no place in the layering (add it to .ci/layering.mjs)`,
      );
      continue;
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (dep.startsWith('@x/') && !allowed.includes(dep)) {
          problems.push(`${relative(root, manifestPath)}: ${name} must not depend on ${dep} (${field})`);
        }
      }
    }
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT_RE)) {
        const dep = match[1] ?? match[2] ?? match[3];
        if (dep !== name && !allowed.includes(dep)) {
          problems.push(`${relative(root, file)}: ${name} must not import ${dep}`);
        }
      }
    }
  }
  return problems;
}
