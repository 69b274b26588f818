// Launches Debian's Chromium (never a browser downloaded through npm) with the flags this machine needs:
// no sandbox as root, no GPU, and none of Chromium's background network traffic. Used by the browser tests
// and the benchmark.
import { chromium } from 'playwright-core';

/** Command-line flags for headless Chromium here. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Starts Chromium from `CHROMIUM_PATH` (default `/usr/bin/chromium`). */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
