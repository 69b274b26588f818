#!/usr/bin/env node
// Runs every suite (each package's vitest through turbo, plus the repository checks) and prints the plain
// total over all of them as the last line: "N passed, N failed" (", N skipped" when some were).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages } from './workspace.mjs';

const root = new URL('..', import.meta.url).pathname;
const resultFiles = () => [
  join(root, '.ci/.test-results/vitest.json'),
  ...workspacePackages(root).map(({ dir }) => join(dir, '.test-results/vitest.json')),
];

// Stale results from an earlier run must not be counted.
for (const file of resultFiles()) rmSync(file, { force: true });

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', 'test:repo', '--continue', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const suites = [];
for (const file of resultFiles()) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  suites.push(
    `${file.slice(root.length).replace('/.test-results/vitest.json', '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
  );
}
const status = turbo.status ?? 1;
// A suite that crashed before reporting counts as a failure.
if (status !== 0 && failed === 0) failed = 1;
console.log(`\nSuites:\n  ${suites.join('\n  ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
