#!/usr/bin/env node
// Writes the demo recordings offered on the start page ("Open demo") into public/demo/ (generated, gitignored),
// using the project's own writers. Run by `pnpm run build` before `vite build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { makeSsDemo, makeTraceDemo } from './demo-data.mjs';

const dir = new URL('../public/demo/', import.meta.url);
mkdirSync(dir, { recursive: true });
const trace = makeTraceDemo();
writeFileSync(new URL('session.moqtrace', dir), trace.bytes);
const ss = makeSsDemo();
writeFileSync(new URL('streams.ss', dir), ss.bytes);
console.log(
  `make-demos: public/demo/session.moqtrace (${trace.events.length} events, ${trace.bytes.length} bytes), ` +
    `public/demo/streams.ss (${ss.messages.length + 1} messages, ${ss.bytes.length} bytes)`,
);
