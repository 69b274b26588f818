/**
 * `pnpm start` as a user runs it (a real pnpm process in its own process group, as in a terminal): it says what is
 * loaded and how to open a file, serves the viewer, and stopping it stops the preview server it started: Ctrl-C
 * (SIGINT to the whole group, as a terminal sends it) and SIGTERM to pnpm alone (`kill PID`; pnpm does not pass
 * it on to the script it runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot } from './harness.js';

const started: ChildProcess[] = [];
afterEach(() => {
  // a failed test must not leave its server behind
  for (const child of started.splice(0)) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
});

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group. */
function ctrlC(child: ChildProcess): void {
  process.kill(-(child.pid as number), 'SIGINT');
}

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `command` in the viewer folder with a free port and waits until it prints the URL. */
async function start(command: string, args: string[]): Promise<Running> {
  const child = spawn(command, args, {
    cwd: appRoot,
    env: { ...process.env, PORT: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /xtrace viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match && out.includes('Ctrl-C')) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`${command} exited (${code}) before serving: ${out}`));
    });
  });
  return { child, url, output: () => out };
}

/** Process ids of `pid`'s descendants (Linux /proc). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function serves(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

describe('pnpm start', () => {
  it('says what is loaded and how to open a file, and serves the viewer and both demos', async () => {
    const { child, url, output } = await start('pnpm', ['start']);
    const text = output();
    expect(text).toContain('demo recordings');
    expect(text).toContain(`${url}?file=demo/session.moqtrace`);
    expect(text).toContain(`${url}?file=demo/streams.ss`);
    expect(text).toContain('xtrace view FILE');
    expect(text).toContain('drag and drop');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('xtrace viewer');
    for (const demo of ['demo/session.moqtrace', 'demo/streams.ss']) {
      expect((await fetch(new URL(demo, url))).status, demo).toBe(200);
    }
    ctrlC(child);
  });

  for (const how of ['Ctrl-C', 'SIGTERM to pnpm'] as const) {
    it(`${how} stops the preview server it started`, async () => {
      const { child, url } = await start('pnpm', ['start']);
      const below = descendants(child.pid as number);
      expect(below.length).toBeGreaterThan(0);
      expect(await serves(url)).toBe(true);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (how === 'Ctrl-C') ctrlC(child);
      else child.kill('SIGTERM');
      await exited;
      // the server stops soon after its pnpm: wait for it, no fixed sleep
      await expect.poll(() => serves(url), { timeout: 20_000, interval: 100 }).toBe(false);
      await expect.poll(() => below.filter(running), { timeout: 20_000, interval: 100 }).toEqual([]);
    });
  }

  it('SIGINT to the script itself stops it with exit code 0', async () => {
    const { child, url, output } = await start(process.execPath, ['scripts/start.mjs']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toContain('stopped (SIGINT)');
    expect(await serves(url)).toBe(false);
  });
});
