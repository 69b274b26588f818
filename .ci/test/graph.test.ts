import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDeclaredDependencies, findImportCycles, importsOf } from '../graph.mjs';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(manifest: Record<string, unknown>, sources: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'x-graph-'));
  temps.push(dir);
  const pkg = join(dir, 'packages', 'demo');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@x/demo', ...manifest }));
  for (const [path, text] of Object.entries(sources)) {
    mkdirSync(dirname(join(pkg, path)), { recursive: true });
    writeFileSync(join(pkg, path), text);
  }
  return dir;
}

describe('import reading', () => {
  it('sees static, type-only, re-export, side-effect and dynamic imports, not examples in comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = () => import('./e.js');",
      "/** ```ts\n * import { x } from 'cbor-x';\n * ``` */",
      "// import { y } from 'commander';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js']);
  });
});

describe('import cycles', () => {
  it('finds a cycle through a type-only import and a dynamic import, with every file in it', () => {
    const dir = workspace(
      {},
      {
        'src/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
        'src/b.ts': "export type B = number;\nexport const load = () => import('./c.js');\n",
        'src/c.ts': "import './a.js';\n",
        'src/d.ts': "import './a.js';\n",
      },
    );
    expect(findImportCycles(dir)).toEqual([
      ['packages/demo/src/a.ts', 'packages/demo/src/b.ts', 'packages/demo/src/c.ts'],
    ]);
  });

  it('resolves index files and tsx, and passes an acyclic graph', () => {
    const dir = workspace(
      {},
      {
        'src/index.ts': "export * from './parts/index.js';\nexport * from './view.js';\n",
        'src/parts/index.ts': 'export const p = 1;\n',
        'src/view.tsx': "import { p } from './parts/index.js';\nexport const v = p;\n",
      },
    );
    expect(findImportCycles(dir)).toEqual([]);
  });
});

describe('declared dependencies = imported', () => {
  it('reports an undeclared import and a declared dependency nothing imports', () => {
    const dir = workspace(
      { dependencies: { 'cbor-x': '1.6.8', '@x/binary': 'workspace:*' } },
      { 'src/index.ts': "import { Command } from 'commander';\nimport '@x/binary/node';\nexport { Command };\n" },
    );
    expect(checkDeclaredDependencies(dir)).toEqual([
      'packages/demo/src/index.ts: imports commander, which @x/demo does not declare',
      'packages/demo/package.json: @x/demo declares cbor-x, which no source imports',
    ]);
  });

  it('ignores Node built-ins, self-imports and tests; counts peer dependencies', () => {
    const dir = workspace(
      { peerDependencies: { '@duckdb/node-api': '1.5.6-r.1' } },
      {
        'src/index.ts':
          "import { readFile } from 'node:fs/promises';\nimport { join } from 'path';\nimport '@x/demo/node';\nexport const load = () => import('@duckdb/node-api');\nexport { readFile, join };\n",
        'test/a.test.ts': "import { it } from 'vitest';\n",
      },
    );
    expect(checkDeclaredDependencies(dir)).toEqual([]);
  });
});
