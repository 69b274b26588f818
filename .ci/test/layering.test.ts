import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayering } from '../layering.mjs';

const root = new URL('../..', import.meta.url).pathname;
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeWorkspace(packages: Record<string, { deps?: Record<string, string>; source?: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'x-layering-'));
  temps.push(dir);
  for (const [name, { deps, source }] of Object.entries(packages)) {
    const pkgDir = join(dir, name === '@x/cli' || name === '@x/viewer' ? 'apps' : 'packages', name.slice(3));
    mkdirSync(join(pkgDir, 'src'), { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name, dependencies: deps ?? {} }));
    writeFileSync(join(pkgDir, 'src/index.ts'), source ?? 'export {};\n');
  }
  return dir;
}

describe('layering check', () => {
  it('passes on the real workspace', () => {
    expect(checkLayering(root)).toEqual([]);
    const run = spawnSync(process.execPath, [join(root, '.ci/check-layering.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(0);
  });

  it('fails when a package imports upward, even without declaring the dependency', () => {
    const dir = fakeWorkspace({
      '@x/binary': { source: "import { readTrace } from '@x/moqtrace';\nexport const x = readTrace;\n" },
      '@x/moqtrace': { deps: { '@x/binary': 'workspace:*' } },
    });
    const problems = checkLayering(dir);
    expect(problems).toEqual([expect.stringContaining('@x/binary must not import @x/moqtrace')]);
    const run = spawnSync(process.execPath, [join(root, '.ci/check-layering.mjs'), dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('must not import @x/moqtrace');
  });

  it('fails on a sideways dependency declared in package.json', () => {
    const dir = fakeWorkspace({
      '@x/seastreamer-file': { deps: { '@x/binary': 'workspace:*', '@x/cbor-schema': 'workspace:*' } },
    });
    expect(checkLayering(dir)).toEqual([expect.stringContaining('must not depend on @x/cbor-schema')]);
  });

  it('fails on dynamic imports and on packages outside the graph', () => {
    const dir = fakeWorkspace({
      '@x/cbor-schema': { source: "export const load = () => import('@x/seastreamer-file');\n" },
      '@x/extra': {},
    });
    const problems = checkLayering(dir);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/must not import @x\/seastreamer-file/);
    expect(problems.join('\n')).toMatch(/@x\/extra has no place/);
  });

  it('allows the graph edges, including apps on every library', () => {
    const dir = fakeWorkspace({
      '@x/binary': {},
      '@x/moqtrace': { source: "import '@x/cbor-schema';\nimport '@x/binary';\n" },
      '@x/cli': { source: "import '@x/moqtrace';\nimport '@x/seastreamer-file';\n" },
    });
    expect(checkLayering(dir)).toEqual([]);
  });
});
