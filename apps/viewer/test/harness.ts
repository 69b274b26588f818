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
  options: { colorScheme?: 'light' | 'dark'; width?: number } = {},
): Promise<OpenedPage> {
  const context = await h.browser.newContext({
    viewport: { width: options.width ?? 1400, height: 900 },
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

/**
 * What is wrong with the layout of the page as it is shown (empty when nothing): an element box outside the
 * viewport horizontally (toolbars: in any direction), a horizontal scrollbar (the page's, or an element's that
 * scrolls sideways), toolbars that overlap one another. Screenshots show the same; this checks it.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${String(el.getAttribute('class') ?? '').replace(/ /g, '.')}`;
    if (document.documentElement.scrollWidth > vw + 1) {
      problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
    }
    const shown = (el: Element) => {
      const style = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && (r.width > 0 || r.height > 0);
    };
    for (const el of document.querySelectorAll('.app *')) {
      if (!shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > vw + 1) {
        problems.push(`${name(el)} is outside the viewport (${Math.round(r.left)}–${Math.round(r.right)} of ${vw})`);
      }
      const style = getComputedStyle(el);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    const bars = [...document.querySelectorAll('.topbar, .statusbar, .banners > *, .subtabs, .filterbar')].filter(
      shown,
    );
    for (const el of bars) {
      const r = el.getBoundingClientRect();
      if (r.top < -1 || r.bottom > vh + 1) problems.push(`toolbar ${name(el)} is not on screen`);
      for (const control of el.querySelectorAll('input, select, button, label')) {
        if (!shown(control)) continue;
        const c = control.getBoundingClientRect();
        if (c.top < r.top - 1 || c.bottom > r.bottom + 1) problems.push(`${name(control)} sticks out of ${name(el)}`);
      }
    }
    const blocks = [...bars, ...document.querySelectorAll('.split, .panel')].filter(shown);
    for (let i = 0; i < blocks.length; i++) {
      for (let k = i + 1; k < blocks.length; k++) {
        const a = blocks[i] as Element;
        const b = blocks[k] as Element;
        if (a.contains(b) || b.contains(a)) continue;
        const ra = a.getBoundingClientRect();
        const rb = b.getBoundingClientRect();
        const overlap = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        const sideways = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        if (overlap > 1 && sideways > 1) problems.push(`${name(a)} overlaps ${name(b)} by ${Math.round(overlap)} px`);
      }
    }
    return problems;
  });
}

/** The three window widths every view is checked at. */
export const WIDTHS = [1280, 1400, 1920] as const;
