import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openFiles, openPage, screenshot, startHarness, waitLoaded } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Deterministic pseudo-random bytes (xorshift), never starting with a known magic. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  if (out[0] === 0x4d || out[0] === 0x53) out[0] = 0x00;
  return out;
}

describe('start page and errors', () => {
  it('shows the start page with both demos and a strict CSP', async () => {
    const { page, errors } = await openPage(h);
    await page.waitForSelector('[data-testid="start-page"]');
    expect(await page.locator('[data-testid="demo-moqtrace"]').count()).toBe(1);
    expect(await page.locator('[data-testid="demo-ss"]').count()).toBe(1);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    // WebAssembly (the SQL tab's duckdb-wasm) is the one addition: 'wasm-unsafe-eval', never 'unsafe-eval'.
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
    await screenshot(page, 'start-page');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a random-bytes file gives a clear error view, not a blank page', async () => {
    const { page, errors } = await openPage(h);
    const bytes = randomBytes(4096, 12345);
    await openFiles(page, [{ name: 'noise.bin', bytes }]);
    await waitLoaded(page);
    const view = page.locator('[data-testid="error-view"]');
    await view.waitFor();
    expect(await view.locator('h2').textContent()).toContain('noise.bin');
    expect(await page.textContent('[data-testid="error-code"]')).toBe('UNKNOWN_FORMAT');
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(await page.textContent('[data-testid="error-hex"]')).toContain(hex);
    await screenshot(page, 'error-random-bytes');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an empty file and several files at once open in separate tabs', async () => {
    const { page } = await openPage(h);
    await openFiles(page, [
      { name: 'empty.moqtrace', bytes: new Uint8Array(0) },
      { name: 'noise-2.bin', bytes: randomBytes(100, 99) },
    ]);
    const tabs = page.locator('[data-testid="tab"]');
    await expect.poll(() => tabs.count()).toBe(2);
    expect(await tabs.allTextContents()).toEqual(['empty.moqtrace', 'noise-2.bin']);
    await tabs.nth(0).click();
    await page.locator('[data-testid="error-view"]').waitFor();
    expect(await page.textContent('[data-testid="error-code"]')).toBe('TRUNCATED');
    await page.context().close();
  });

  it('refuses ?file= URLs from another origin', async () => {
    const { page } = await openPage(h, '?file=http://example.invalid/x.moqtrace');
    await page.locator('[data-testid="error-view"]').waitFor();
    expect(await page.textContent('[data-testid="error-code"]')).toBe('FETCH_FAILED');
    expect(await page.textContent('.error-message')).toContain('same-origin');
    await page.context().close();
  });
});
