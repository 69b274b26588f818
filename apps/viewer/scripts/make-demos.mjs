#!/usr/bin/env node
// placeholder replaced once the libraries' writers land
import { mkdirSync } from 'node:fs';

mkdirSync(new URL('../public/demo/', import.meta.url), { recursive: true });
console.log('make-demos: writers not available yet');
