/**
 * `xtrace view --open`: hands the URL to the desktop's opener, best effort.
 *
 * @module
 */
import { spawn } from 'node:child_process';

/** The command that opens `url`: `$BROWSER`, else `open` (macOS), `rundll32` (Windows) or `xdg-open`. */
export function openerCommand(
  url: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  const browser = env.BROWSER?.trim();
  if (browser) return [browser, [url]];
  if (platform === 'darwin') return ['open', [url]];
  // rundll32 takes the URL as one argument, with no cmd.exe parsing of `&` in the query
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/**
 * Opens `url` in a browser without waiting for it and without a shell. Fails silently (no opener installed,
 * no display): the URL is printed anyway.
 */
export function openBrowser(url: string, env: Record<string, string | undefined>): void {
  const [command, args] = openerCommand(url, env);
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: nothing to do
  }
}
