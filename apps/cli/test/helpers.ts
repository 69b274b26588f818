import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the built binary. */
export const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));

/** The shared fixtures folder (X_FIXTURES_DIR or ../shared/fixtures next to the repo). */
export const FIXTURES = process.env.X_FIXTURES_DIR
  ? process.env.X_FIXTURES_DIR.replace(/\/?$/, '/')
  : fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

/** Folder of a corpus and whether it is present. */
export function corpus(name: string): { dir: string; present: boolean } {
  const dir = join(FIXTURES, name);
  const present = existsSync(dir);
  // In CI a missing corpus is a broken checkout, not a reason to skip the conformance tests.
  if (!present && process.env.CI) throw new Error(`fixtures not found: ${dir} (CI is set: the corpus must be there)`);
  if (!present) console.warn(`fixtures not found: ${dir} (conformance tests skipped)`);
  return { dir, present };
}

/** Result of a CLI run. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs the built `xtrace` with arguments, optional stdin and environment. */
export function xtrace(
  args: readonly string[],
  options: { input?: string | Uint8Array; env?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    if (options.env?.FORCE_COLOR === undefined) delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Parses NDJSON output. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A temporary directory removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'xtrace-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts stderr is error lines only (no stack trace). */
export function noStackTrace(stderr: string): boolean {
  return !/\n\s+at\s|Error:.*\n.*at /.test(stderr);
}
