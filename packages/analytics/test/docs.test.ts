// The "Analytics at scale" page shows the schema and the example queries generated from TABLES and
// EXAMPLE_QUERIES: it must be up to date (regenerate with `node docs/generate-analytics.mjs`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_QUERIES, TABLES } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('docs/analytics.md', () => {
  it('is generated from the current schema and examples', () => {
    const run = spawnSync(process.execPath, ['docs/generate-analytics.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const page = readFileSync(`${root}docs/analytics.md`, 'utf8');
    for (const table of TABLES) {
      for (const column of table.columns)
        expect(page).toContain(`| \`${column.name}\` | \`${column.type.replaceAll('|', '\\|')}\``);
    }
    for (const query of EXAMPLE_QUERIES) expect(page).toContain(query.sql);
  });
});
