/**
 * End to end: `xtrace view` (the CLI binary, spawned as a child process) serves this viewer's `dist/` and two
 * generated recordings; headless Chromium opens the printed URL and both tabs load. The CLI is not a
 * dependency of the viewer (turbo does not build it before these tests), so the test is skipped when
 * `apps/cli/dist/cli.js` is missing (build it with `cd apps/cli && npx tsc -b`).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/chromium.mjs';
import { makeSsDemo, makeTraceDemo } from '../scripts/demo-data.mjs';
import { appRoot, screenshot, tableRows, waitLoaded } from './harness.js';

const cliRoot = join(appRoot, '..', 'cli');
const cliBuilt = existsSync(join(cliRoot, 'dist', 'cli.js'));
const viewerDist = join(appRoot, 'dist');

describe.skipIf(!cliBuilt)(
  `xtrace view opens files in this viewer${cliBuilt ? '' : ' (skipped: apps/cli/dist/cli.js is missing; build it with cd apps/cli && npx tsc -b)'}`,
  () => {
    const trace = makeTraceDemo({ groups: 3, objectsPerGroup: 4 });
    const ss = makeSsDemo({ ticks: 60 });
    let dir: string;
    let child: ChildProcessWithoutNullStreams;
    let url: URL;
    let stderr = '';
    let browser: Browser;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'xtrace-view-e2e-'));
      const ssPath = join(dir, 'streams.ss');
      const tracePath = join(dir, 'session.moqtrace');
      writeFileSync(ssPath, ss.bytes);
      writeFileSync(tracePath, trace.bytes);
      child = spawn(
        process.execPath,
        [join(cliRoot, 'bin', 'xtrace.js'), 'view', '--port', '0', '--viewer-dir', viewerDist, ssPath, tracePath],
        { cwd: appRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: 'pipe' },
      );
      child.stdin.end();
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`xtrace view printed no URL; stderr: ${stderr}`)), 15_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const newline = out.indexOf('\n');
          if (newline !== -1) {
            clearTimeout(timer);
            resolve(new URL(out.slice(0, newline)));
          }
        });
        child.on('exit', (code) => reject(new Error(`xtrace view exited (${code}); stderr: ${stderr}`)));
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('opens the printed URL: one tab per file, both load with the right counts', async () => {
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.searchParams.getAll('file')).toEqual(['/files/0/streams.ss', '/files/1/session.moqtrace']);

      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('request', (req) => requests.push(new URL(req.url()).pathname));
      await page.goto(url.href);
      await page.waitForSelector('.app');

      const tabs = page.locator('[data-testid="tab"]');
      await expect.poll(() => tabs.count()).toBe(2);
      expect(await tabs.allTextContents()).toEqual(['streams.ss', 'session.moqtrace']);

      // the first tab is active: the .ss recording (+ 1: its end-of-stream message)
      await waitLoaded(page);
      expect(await page.locator('[data-testid="error-view"]').count()).toBe(0);
      expect(await page.textContent('[data-testid="row-count"]')).toBe(
        (ss.messages.length + 1).toLocaleString('en-US'),
      );
      const ssRows = await tableRows(page, 'message-table');
      expect(ssRows.length).toBeGreaterThan(0);
      await screenshot(page, 'xtrace-view-ss');

      await tabs.nth(1).click();
      await waitLoaded(page);
      expect(await page.locator('[data-testid="error-view"]').count()).toBe(0);
      await expect
        .poll(() => page.textContent('[data-testid="row-count"]'))
        .toBe(trace.events.length.toLocaleString('en-US'));
      const rows = await tableRows(page, 'event-table');
      expect(rows[0]![2]).toBe(trace.events[0]!.type);
      await screenshot(page, 'xtrace-view-moqtrace');

      expect(requests).toContain('/files/0/streams.ss');
      expect(requests).toContain('/files/1/session.moqtrace');
      expect(errors).toEqual([]);
      await context.close();
    });

    it('stops on SIGTERM with exit code 0', async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('Stopped (SIGTERM)');
    });
  },
);
