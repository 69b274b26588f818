import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Library entry points must run in a browser: no Node built-ins, Buffer or process outside src/node.
const root = new URL('../..', import.meta.url).pathname;
const NODE_ONLY = [
  /from\s+['"](node:[^'"]+|fs|path|os|stream|child_process|crypto|url|util|events|buffer)['"]/,
  /\brequire\(/,
  /\bBuffer\./,
  /\bBuffer\b\s*\(/,
  /\bprocess\.(env|argv|cwd|exit|stdout|stderr|platform|versions|memoryUsage)/,
];

function* coreSources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node') yield* coreSources(path);
    } else if (name.endsWith('.ts')) yield path;
  }
}

const libraries = readdirSync(join(root, 'packages')).filter((name) => existsSync(join(root, 'packages', name, 'src')));

describe('browser-safe library cores', () => {
  it('finds the libraries', () => {
    expect(libraries).toContain('binary');
  });

  for (const name of libraries) {
    it(`@x/${name} uses no Node-only API outside src/node`, () => {
      const offenders: string[] = [];
      for (const file of coreSources(join(root, 'packages', name, 'src'))) {
        const lines = readFileSync(file, 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (/^\s*(\*|\/\/)/.test(line)) return; // comments and TSDoc examples
          if (NODE_ONLY.some((re) => re.test(line))) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
      }
      expect(offenders).toEqual([]);
    });

    it(`@x/${name} exports a Node-only subpath only from src/node`, () => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
      const nodeExport = manifest.exports?.['./node'];
      if (nodeExport) {
        expect(nodeExport.default).toMatch(/^\.\/dist\/node\//);
        expect(Object.keys(nodeExport)[0]).toBe('@x/source');
      }
      const main = manifest.exports['.'];
      expect(Object.keys(main)).toEqual(['@x/source', 'types', 'default']);
      expect(manifest.sideEffects).toBe(false);
      expect(manifest.type).toBe('module');
    });
  }
});
