// The fenced TypeScript examples of the repository's documentation (READMEs and docs pages), so that a test can
// run each one verbatim. An example is a ```ts (or ```typescript) block; a block whose info string also says
// `no-run` (```ts no-run) is a fragment that cannot run alone (a type signature); keep those rare.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspacePackages } from './workspace.mjs';

/** The markdown files whose examples must run: README.md, each package's README, docs/*.md, docs/formats/*.md. */
export function documentationFiles(root) {
  const files = [join(root, 'README.md')];
  for (const { dir } of workspacePackages(root)) {
    const readme = join(dir, 'README.md');
    if (existsSync(readme)) files.push(readme);
  }
  for (const sub of ['docs', 'docs/formats']) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.md')) files.push(join(dir, name));
  }
  return files.filter((file) => existsSync(file));
}

/** The runnable examples of one markdown text: `{ line, code }` (line = 1-based line of the opening fence). */
export function extractExamples(text) {
  const examples = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s.*)?$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if ((open[2] ?? '').includes('no-run')) continue;
    examples.push({ line: start + 1, code: `${body.join('\n')}\n` });
  }
  return examples;
}

/** Every example of the repository: `{ file (relative), line, code }`. */
export function repositoryExamples(root) {
  return documentationFiles(root).flatMap((file) =>
    extractExamples(readFileSync(file, 'utf8')).map((example) => ({ file: relative(root, file), ...example })),
  );
}
