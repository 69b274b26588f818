#!/usr/bin/env node
// Writes the generated parts of docs/analytics.md (between the `<!-- generated:schema -->` and
// `<!-- generated:examples -->` markers and their `end` markers) from @x/analytics: the table schema (`TABLES`) and
// the example queries (`EXAMPLE_QUERIES`), the same objects the exporter, the views and the tests use, so the page
// cannot drift from them. Run by `pnpm run docs` after the packages are built; `--check` fails instead of writing
// when the page is out of date (the analytics tests run it).
import { readFileSync, writeFileSync } from 'node:fs';

const { TABLES, EXAMPLE_QUERIES } = await import('../packages/analytics/dist/index.js');
const page = new URL('./analytics.md', import.meta.url);
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

function schema() {
  const out = [];
  for (const table of TABLES) {
    out.push(`### \`${table.name}\``, '', `One row is ${table.row}.`, '');
    out.push('| column | type | null | unit | meaning |', '| --- | --- | --- | --- | --- |');
    for (const c of table.columns) {
      out.push(
        `| \`${c.name}\` | \`${cell(c.type)}\` | ${c.nullable ? 'yes' : 'no'} | ${cell(c.unit ?? '')} | ${cell(c.description)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

function examples() {
  return EXAMPLE_QUERIES.map(
    (q, i) =>
      `### ${i + 1}. ${q.title}\n\nTables: ${q.tables.map((t) => `\`${t}\``).join(', ')}.\n\n\`\`\`sql\n${q.sql}\n\`\`\`\n`,
  ).join('\n');
}

function replace(text, name, body) {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/analytics.md lacks the ${start} ... ${end} markers`);
  return `${text.slice(0, a + start.length)}\n\n${body.trimEnd()}\n\n${text.slice(b)}`;
}

const current = readFileSync(page, 'utf8');
const next = replace(replace(current, 'schema', schema()), 'examples', examples());
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/analytics.md is out of date: run node docs/generate-analytics.mjs');
    process.exit(1);
  }
} else if (next !== current) writeFileSync(page, next);
