import { appendFile, mkdtemp, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryError } from '../src/index.js';
import { watchFileGrowth } from '../src/node/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'x-growth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `wait` resolves when `action` happens while it is pending (no timer: the wait is started first). */
async function whileWaiting(
  growth: { wait(position: number): Promise<string> },
  position: number,
  action: () => Promise<unknown>,
) {
  const pending = growth.wait(position);
  await action();
  return pending;
}

describe('watchFileGrowth', () => {
  for (const watch of [true, false]) {
    const mode = watch ? 'with notifications' : 'polling only';

    it(`reports growth beyond the position (${mode})`, async () => {
      const path = join(dir, `grow-${watch}.bin`);
      await writeFile(path, new Uint8Array(10));
      const growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      expect(await growth.wait(5)).toBe('more'); // already longer than 5
      expect(await whileWaiting(growth, 10, () => appendFile(path, new Uint8Array(3)))).toBe('more');
      growth.close();
    });

    it(`reports removal, shrinking and replacement (${mode})`, async () => {
      const path = join(dir, `gone-${watch}.bin`);
      await writeFile(path, new Uint8Array(10));
      let growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      expect(await whileWaiting(growth, 10, () => unlink(path))).toBe('removed');
      growth.close();

      await writeFile(path, new Uint8Array(10));
      growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      expect(await whileWaiting(growth, 10, () => truncate(path, 4))).toBe('removed');
      growth.close();

      await writeFile(path, new Uint8Array(10));
      growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      const other = join(dir, `other-${watch}.bin`);
      await writeFile(other, new Uint8Array(50));
      // a different file (inode) under the same name
      expect(await whileWaiting(growth, 10, () => rename(other, path))).toBe('removed');
      growth.close();
    });
  }

  it('reports idle after idleTimeout without data, and dataArrived() restarts the clock', async () => {
    // Only lower bounds on the time: a busy machine makes the waits longer, never shorter.
    const path = join(dir, 'idle.bin');
    await writeFile(path, new Uint8Array(1));
    const growth = await watchFileGrowth(path, { idleTimeout: 60, maxPollInterval: 10 });
    const started = Date.now();
    expect(await growth.wait(1)).toBe('idle');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    // Without dataArrived() the clock has run out: idle at once. With it, a full idleTimeout again.
    expect(await growth.wait(1)).toBe('idle');
    growth.dataArrived();
    const restarted = Date.now();
    expect(await growth.wait(1)).toBe('idle');
    expect(Date.now() - restarted).toBeGreaterThanOrEqual(50);
    // Data beyond the position is 'more' whatever the clock says.
    await appendFile(path, new Uint8Array(1));
    expect(await growth.wait(1)).toBe('more');
    growth.close();
  });

  it('stops a pending wait when the signal aborts or the watcher is closed', async () => {
    const path = join(dir, 'abort.bin');
    await writeFile(path, new Uint8Array(1));
    const controller = new AbortController();
    const growth = await watchFileGrowth(path, { signal: controller.signal });
    expect(await whileWaiting(growth, 1, async () => controller.abort())).toBe('aborted');
    growth.close();

    const second = await watchFileGrowth(path);
    expect(await whileWaiting(second, 1, async () => second.close())).toBe('aborted');
    second.close(); // twice is fine
  });

  it('refuses a file that does not exist with IO_ERROR', async () => {
    const error = await watchFileGrowth(join(dir, 'missing.bin')).catch((e: unknown) => e);
    expect(BinaryError.is(error) && error.code).toBe('IO_ERROR');
  });
});
