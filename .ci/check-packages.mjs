#!/usr/bin/env node
// Package checks for every publishable workspace package:
//  1. publint (package.json exports/files are consistent with what is packed);
//  2. @arethetypeswrong/cli (types resolve for ESM consumers, node16 and bundler resolution);
//  3. pack-and-install: each library's `pnpm pack` tarball (plus the tarballs of its own @x dependencies)
//     installs into an empty folder with npm and can be imported there, pulling only its own dependencies.
// Run after `turbo run build`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePackages } from './workspace.mjs';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

/** External packages each library may pull in when installed alone (besides its @x dependencies). */
const EXPECTED_EXTERNAL = {
  '@x/binary': [],
  '@x/seastreamer-file': [],
};
/** Packages that must never appear in a library's install tree. */
const FORBIDDEN = {
  '@x/binary': ['cbor-x'],
  '@x/seastreamer-file': ['cbor-x', '@x/cbor-schema', '@x/moqtrace'],
  '@x/cbor-schema': ['@x/moqtrace', '@x/seastreamer-file'],
  '@x/moqtrace': ['@x/seastreamer-file'],
  '@x/moqt-qlog': ['@x/seastreamer-file'],
};

const packages = workspacePackages(root)
  .filter(({ manifest }) => !manifest.private && (only.length === 0 || only.includes(manifest.name)))
  .map(({ dir, group, manifest }) => ({ dir, manifest, isLibrary: group === 'packages' }));

let failures = 0;
function step(label, fn) {
  process.stdout.write(`• ${label} ... `);
  try {
    fn();
    console.log('ok');
  } catch (error) {
    failures++;
    console.log('FAILED');
    console.error(String(error?.stdout ?? '') + String(error?.stderr ?? '') || String(error));
  }
}
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

const work = mkdtempSync(join(tmpdir(), 'x-check-packages-'));
const tarballs = new Map();
try {
  for (const { dir, manifest } of packages) {
    step(`${manifest.name}: publint`, () => {
      const out = run('pnpm', ['exec', 'publint', '--strict', dir], { cwd: root });
      if (/error|warning/i.test(out.replace(/No (errors|warnings|issues)/gi, ''))) throw new Error(out);
    });
    step(`${manifest.name}: pnpm pack`, () => {
      const packDir = join(work, 'tarballs');
      mkdirSync(packDir, { recursive: true });
      const out = run('pnpm', ['pack', '--pack-destination', packDir], { cwd: dir });
      const file = out
        .trim()
        .split('\n')
        .map((l) => l.trim())
        .reverse()
        .find((l) => l.endsWith('.tgz'));
      if (!file) throw new Error(`no tarball in pnpm pack output:\n${out}`);
      tarballs.set(manifest.name, file.startsWith('/') ? file : join(packDir, file));
    });
    step(`${manifest.name}: attw (types for ESM, node16 and bundler)`, () => {
      run('pnpm', ['exec', 'attw', tarballs.get(manifest.name), '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: root,
      });
    });
  }

  const xDeps = (name, seen = new Set()) => {
    const pkg = packages.find((p) => p.manifest.name === name);
    for (const dep of Object.keys(pkg?.manifest.dependencies ?? {})) {
      if (dep.startsWith('@x/') && !seen.has(dep)) {
        seen.add(dep);
        xDeps(dep, seen);
      }
    }
    return seen;
  };

  for (const { manifest, isLibrary } of packages) {
    if (!isLibrary) continue;
    step(`${manifest.name}: pack-and-install into an empty folder`, () => {
      const target = join(work, `install-${manifest.name.replace('/', '-')}`);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      const own = [manifest.name, ...xDeps(manifest.name)].map((n) => tarballs.get(n));
      const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...own], {
        cwd: target,
        encoding: 'utf8',
      });
      if (install.status !== 0) throw new Error(install.stderr);
      const lock = JSON.parse(readFileSync(join(target, 'package-lock.json'), 'utf8'));
      const installed = Object.keys(lock.packages)
        .filter((p) => p.startsWith('node_modules/'))
        .map((p) => p.slice('node_modules/'.length))
        .filter((p) => !p.includes('/node_modules/'));
      for (const forbidden of FORBIDDEN[manifest.name] ?? []) {
        if (installed.includes(forbidden))
          throw new Error(`${manifest.name} pulled ${forbidden}: ${installed.join(', ')}`);
      }
      const expected = EXPECTED_EXTERNAL[manifest.name];
      if (expected) {
        const external = installed.filter((p) => !p.startsWith('@x/'));
        if (external.join() !== expected.join()) {
          throw new Error(`${manifest.name} pulled unexpected packages: ${external.join(', ') || '(none)'}`);
        }
      }
      const entries = Object.keys(manifest.exports).filter((k) => k !== './package.json');
      for (const entry of entries) {
        const specifier = entry === '.' ? manifest.name : `${manifest.name}/${entry.slice(2)}`;
        const script = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) { console.error('no exports'); process.exit(1); }`;
        const imported = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: target,
          encoding: 'utf8',
        });
        if (imported.status !== 0) throw new Error(`import ${specifier} failed:\n${imported.stderr}`);
      }
      console.log(`\n    installed: ${installed.join(', ')}`);
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`check:packages: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('check:packages: all checks passed');
