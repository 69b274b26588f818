/**
 * Browser test harness: serves the built app (`dist/`) with `vite preview` on 127.0.0.1 and drives Debian's
 * Chromium through playwright-core. One browser per test file.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { launchChromium } from '../scripts/chromium.mjs';

export const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outputDir = join(appRoot, 'test-output');

export interface Harness {
  browser: Browser;
  server: PreviewServer;
  url: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = await preview({
    root: appRoot,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  const browser = await launchChromium();
  return {
    browser,
    server,
    url,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  errors: string[];
  /** Dialogs (alert/confirm/prompt) opened by the page: a script injected from file data would show here. */
  dialogs: string[];
}

export async function openPage(
  h: Harness,
  path = '',
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<OpenedPage> {
  const context = await h.browser.newContext({
    viewport: { width: 1400, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // The preview server occasionally answers the very first request of a context with an error: retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await page.goto(new URL(path, h.url).href);
      break;
    } catch (error) {
      if (attempt >= 2) throw error;
      await page.waitForTimeout(200);
    }
  }
  await page.waitForSelector('.app');
  return { page, errors, dialogs };
}

/** Opens generated files through the `<input type=file>` (as the file picker would). */
export async function openFiles(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  await page.setInputFiles(
    '[data-testid="file-input"]',
    files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })),
  );
}

/** Waits until the active file has finished loading (or failed). */
export async function waitLoaded(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="file-view"][data-done="true"], [data-testid="error-view"]', {
    timeout: 30_000,
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`) });
}

/** Texts of the cells of the visible rows of a virtual table. */
export async function tableRows(page: Page, testId: string): Promise<string[][]> {
  return page.$$eval(`[data-testid="${testId}"] .vtable-body .vrow`, (rows) =>
    rows
      .map((row) => ({
        n: Number((row as HTMLElement).dataset.row),
        cells: Array.from(row.children).map((c) => c.textContent ?? ''),
      }))
      .sort((a, b) => a.n - b.n)
      .map((r) => r.cells),
  );
}
