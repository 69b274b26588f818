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

const later = (ms: number, action: () => Promise<unknown>) => setTimeout(() => void action(), ms);

describe('watchFileGrowth', () => {
  for (const watch of [true, false]) {
    const mode = watch ? 'with notifications' : 'polling only';

    it(`reports growth beyond the position (${mode})`, async () => {
      const path = join(dir, `grow-${watch}.bin`);
      await writeFile(path, new Uint8Array(10));
      const growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      expect(await growth.wait(5)).toBe('more'); // already longer than 5
      later(30, () => appendFile(path, new Uint8Array(3)));
      expect(await growth.wait(10)).toBe('more');
      growth.close();
    });

    it(`reports removal, shrinking and replacement (${mode})`, async () => {
      const path = join(dir, `gone-${watch}.bin`);
      await writeFile(path, new Uint8Array(10));
      let growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      later(30, () => unlink(path));
      expect(await growth.wait(10)).toBe('removed');
      growth.close();

      await writeFile(path, new Uint8Array(10));
      growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      later(30, () => truncate(path, 4));
      expect(await growth.wait(10)).toBe('removed');
      growth.close();

      await writeFile(path, new Uint8Array(10));
      growth = await watchFileGrowth(path, { watch, maxPollInterval: 20 });
      const other = join(dir, `other-${watch}.bin`);
      await writeFile(other, new Uint8Array(50));
      later(30, () => rename(other, path)); // a different file (inode) under the same name
      expect(await growth.wait(10)).toBe('removed');
      growth.close();
    });
  }

  it('reports idle after idleTimeout without data, and dataArrived() restarts the clock', async () => {
    const path = join(dir, 'idle.bin');
    await writeFile(path, new Uint8Array(1));
    const growth = await watchFileGrowth(path, { idleTimeout: 60, maxPollInterval: 10 });
    const started = Date.now();
    expect(await growth.wait(1)).toBe('idle');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    growth.dataArrived();
    later(20, () => appendFile(path, new Uint8Array(1)));
    expect(await growth.wait(1)).toBe('more');
    growth.close();
  });

  it('stops a pending wait when the signal aborts or the watcher is closed', async () => {
    const path = join(dir, 'abort.bin');
    await writeFile(path, new Uint8Array(1));
    const controller = new AbortController();
    const growth = await watchFileGrowth(path, { signal: controller.signal });
    later(20, async () => controller.abort());
    expect(await growth.wait(1)).toBe('aborted');
    growth.close();

    const second = await watchFileGrowth(path);
    setTimeout(() => second.close(), 20);
    expect(await second.wait(1)).toBe('aborted');
    second.close(); // twice is fine
  });

  it('refuses a file that does not exist with IO_ERROR', async () => {
    const error = await watchFileGrowth(join(dir, 'missing.bin')).catch((e: unknown) => e);
    expect(BinaryError.is(error) && error.code).toBe('IO_ERROR');
  });
});
