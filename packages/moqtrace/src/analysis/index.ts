/**
 * Analysis helpers shared by the CLI and the viewer: naming, pairing, statistics.
 *
 * @module
 */
export * from './naming.js';
export * from './pairing.js';
export * from './stats.js';
