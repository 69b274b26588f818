#!/usr/bin/env node
// Fails when a workspace package depends on or imports an @x package outside the allowed graph:
// binary <- cbor-schema <- moqtrace; binary <- seastreamer-file; cli and viewer <- the libraries.
import { checkLayering } from './layering.mjs';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const problems = checkLayering(root);
if (problems.length > 0) {
  console.error(`layering check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layering check passed');
