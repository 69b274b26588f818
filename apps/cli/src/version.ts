/**
 * The package version, read from the `package.json` of `@x/cli` above the running code (`src/`, `dist/` or a
 * bundle chunk in `dist/chunks/`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** The version of `@x/cli` (`0.0.0` when its `package.json` cannot be found). */
export function readVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@x/cli' && manifest.version !== undefined) return manifest.version;
    } catch {
      // not there: look further up
    }
  }
  return '0.0.0';
}
