#!/usr/bin/env node
// Bundles the CLI with rolldown (rolldown.config.mjs) after removing the previous bundle's files (chunk names
// carry content hashes, so old ones would pile up in dist/chunks). `tsc -b` writes the declarations beside it.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import config from '../rolldown.config.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
rmSync(`${dist}chunks`, { recursive: true, force: true });
for (const name of ['cli.js', 'cli.js.map', 'index.js', 'index.js.map']) rmSync(`${dist}${name}`, { force: true });
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
await build(config);
