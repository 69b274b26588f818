#!/usr/bin/env node
// The source-graph checks of CI, each reported separately:
// 1. layering: a package depends on or imports only packages below it (binary <- cbor-schema <- moqtrace;
//    binary <- seastreamer-file; the apps on the libraries), see layering.mjs;
// 2. no import cycle among the source files of any package;
// 3. declared runtime dependencies equal the packages the sources import.
import { checkDeclaredDependencies, findImportCycles } from './graph.mjs';
import { checkLayering } from './layering.mjs';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const problems = [
  ...checkLayering(root).map((problem) => `layering: ${problem}`),
  ...findImportCycles(root).map((cycle) => `import cycle: ${cycle.join(' <-> ')}`),
  ...checkDeclaredDependencies(root).map((problem) => `dependencies: ${problem}`),
];
if (problems.length > 0) {
  console.error(`source-graph check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('source-graph check passed: layering, no import cycles, declared dependencies = imported');
