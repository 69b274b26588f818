// Source-graph checks: no import cycle inside any package's sources, and each package's declared runtime
// dependencies equal the packages its sources import. Imports are read with TypeScript's pre-processor, so
// examples in comments and strings do not count; `import type` counts (a type cycle is still a cycle).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { workspacePackages } from './workspace.mjs';

const SOURCE_RE = /\.(m|c)?[jt]sx?$/;
const BUILTINS = new Set(builtinModules);

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SOURCE_RE.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** The module specifiers a source file imports (static, re-exports, side-effect and dynamic imports). */
export function importsOf(text) {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** Cycles among the relative imports of each package's `src/` files, as lists of paths relative to `root`. */
export function findImportCycles(root) {
  const cycles = [];
  for (const { dir } of workspacePackages(root)) {
    const graph = new Map();
    for (const file of files(resolve(dir, 'src'))) {
      const edges = [];
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = resolveRelative(file, specifier);
        if (target) edges.push(target);
      }
      graph.set(file, edges);
    }
    // Tarjan's strongly connected components: every component with more than one file (or a self-import) is a cycle.
    let index = 0;
    const indices = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const visit = (node) => {
      indices.set(node, index);
      low.set(node, index);
      index++;
      stack.push(node);
      onStack.add(node);
      for (const next of graph.get(node) ?? []) {
        if (!indices.has(next)) {
          visit(next);
          low.set(node, Math.min(low.get(node), low.get(next)));
        } else if (onStack.has(next)) {
          low.set(node, Math.min(low.get(node), indices.get(next)));
        }
      }
      if (low.get(node) === indices.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
          cycles.push(component.map((path) => relative(root, path)).sort());
        }
      }
    };
    for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  }
  return cycles;
}

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Differences between what each package declares (`dependencies`, `peerDependencies`, `optionalDependencies`)
 * and what its `src/` imports: undeclared imports and declared packages no source imports.
 */
export function checkDeclaredDependencies(root) {
  const problems = [];
  const workspace = workspacePackages(root);
  const manifests = new Map(workspace.map(({ manifest }) => [manifest.name, manifest]));
  for (const { dir, manifestPath, manifest } of workspace) {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    const imported = new Map();
    for (const file of files(join(dir, 'src'))) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
        const name = packageOf(specifier);
        if (BUILTINS.has(name) || name === manifest.name) continue;
        if (!imported.has(name)) imported.set(name, relative(root, file));
      }
    }
    for (const [name, file] of imported) {
      if (!declared.has(name)) problems.push(`${file}: imports ${name}, which ${manifest.name} does not declare`);
    }
    // An app installs the optional peer dependencies of the workspace libraries it uses (e.g. @duckdb/node-api
    // for @x/analytics/node): such a dependency is declared without being imported.
    const peers = new Set();
    for (const name of imported.keys()) {
      const library = manifests.get(name);
      for (const [peer, meta] of Object.entries(library?.peerDependenciesMeta ?? {}))
        if (meta?.optional) peers.add(peer);
    }
    for (const name of declared) {
      if (!imported.has(name) && !peers.has(name)) {
        problems.push(`${relative(root, manifestPath)}: ${manifest.name} declares ${name}, which no source imports`);
      }
    }
  }
  return problems;
}
