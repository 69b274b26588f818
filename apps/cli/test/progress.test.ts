import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from './helpers.js';

// The progress bar needs a real terminal: `script` (util-linux) runs the CLI under a pseudo-terminal and
// records everything it writes there. The delay is set to 0 (the bar must appear: the file takes many reads)
// or to an hour (it must not): neither depends on how fast the machine is.
const tmp = tempDir();
let file: string;
beforeAll(() => {
  const payload = new Uint8Array(4000).fill(0x61);
  const messages = Array.from({ length: 10000 }, (_, i) => ({
    streamKey: 'bulk',
    shardId: 0n,
    seqNo: BigInt(i),
    timestamp: 1_700_000_000_000n + BigInt(i),
    payload,
  }));
  file = join(tmp.dir, 'big.ss');
  writeFileSync(file, writeSeaStreamer(messages, { fileName: 'big.ss', beaconInterval: 65536 }));
});
afterAll(() => tmp.cleanup());

function underTerminal(args: string[], env: Record<string, string>): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const { CI: _ci, ...rest } = process.env;
  return execFileSync('script', ['-qfec', command, '/dev/null'], {
    encoding: 'utf8',
    env: { ...rest, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
}

const HOUR = String(3_600_000);

describe('progress bar', { timeout: 120_000 }, () => {
  it('appears on a terminal once the work outlasts the delay, and is cleared at the end', () => {
    const out = underTerminal(['validate', file], { XTRACE_PROGRESS_DELAY_MS: '0' });
    expect(out).toMatch(/validate \[[█░]+\] \d+% \| \d+\/\d+ bytes/);
    expect(out).toContain(`${file}: ok`);
  });

  it('stays away while the work is shorter than the delay', () => {
    const out = underTerminal(['validate', file], { XTRACE_PROGRESS_DELAY_MS: HOUR });
    expect(out).not.toContain('validate [');
    expect(out).toContain(`${file}: ok`);
  });

  it('never appears when stderr is not a terminal, nor in CI', () => {
    const piped = spawnSync(process.execPath, [BIN, 'validate', file], {
      encoding: 'utf8',
      env: { ...process.env, XTRACE_PROGRESS_DELAY_MS: '0' },
    });
    expect(piped.stderr).not.toContain('validate [');
    const ci = underTerminal(['validate', file], { XTRACE_PROGRESS_DELAY_MS: '0', CI: 'true' });
    expect(ci).not.toContain('validate [');
  });
});
