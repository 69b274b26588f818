import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TraceEvent, writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from './helpers.js';

// The shell examples of the documentation run verbatim: every `xtrace` line of a `sh` block of docs/index.md and
// of this package's README through a real shell with `xtrace` on the PATH, in a folder holding the files they name
// (generated here). The `ts` examples of every README and docs page run in .ci/test/doc-examples.test.ts. Lines that run until interrupted are left to the
// tests of their command, and listed here with the reason.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START = 1_700_000_000_000;

/** Commands that serve or wait until Ctrl-C: started by their own tests (view.test.ts, follow.test.ts). */
const RUN_UNTIL_INTERRUPTED: Record<string, string> = {
  'tail -f app.log | xtrace write app.ss --stream log': 'tail -f never ends; `write` is tested in ss-commands.test.ts',
  'xtrace view trace.moqtrace recording.ss --open': 'serves until Ctrl-C; tested in view.test.ts',
  'xtrace view trace.moqtrace recording.ss': 'serves until Ctrl-C; tested in view.test.ts',
};

function blocks(markdown: string, language: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  for (const m of markdown.matchAll(re)) out.push(m[1] as string);
  return out;
}

function shLines(markdown: string): string[] {
  return blocks(markdown, 'sh')
    .flatMap((b) => b.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('xtrace ') || l.includes('| xtrace ') || l.startsWith('tail '));
}

describe('documentation examples run verbatim', () => {
  const data = tempDir();
  const bin = join(data.dir, 'bin');
  beforeAll(() => {
    mkdirSync(bin);
    writeFileSync(join(bin, 'xtrace'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'xtrace'), 0o755);
    const messages = Array.from({ length: 200 }, (_, i) => ({
      streamKey: ['world', 'hello'][i % 2]!,
      shardId: BigInt(i % 2),
      seqNo: BigInt(i >> 1),
      timestamp: BigInt(START + i * 10),
      payload: `message ${i}`,
    }));
    const ss = writeSeaStreamer(messages, {
      fileName: 'recording.ss',
      beaconInterval: 1024,
      createdAt: START,
      eos: BigInt(START + 5000),
    });
    writeFileSync(join(data.dir, 'recording.ss'), ss);
    writeFileSync(join(data.dir, 'live.ss'), ss);
    const events: TraceEvent[] = [
      {
        type: 'control',
        seq: 0,
        timestamp: 100,
        direction: 1,
        messageType: 3,
        message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
      },
      { type: 'annotation', seq: 1, timestamp: 200, label: 'note', data: 1 },
    ] as TraceEvent[];
    writeFileSync(
      join(data.dir, 'trace.moqtrace'),
      writeTrace({
        header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: START },
        events,
      }),
    );
    const sqlog = spawnSync(process.execPath, [BIN, 'convert', 'trace.moqtrace', 'client.sqlog'], { cwd: data.dir });
    expect(sqlog.status).toBe(0);
    writeFileSync(join(data.dir, 'mlog_client.txt'), readFileSync(join(data.dir, 'client.sqlog')));
  });
  afterAll(() => {
    data.cleanup();
  });

  const index = readFileSync(join(ROOT, 'docs/index.md'), 'utf8');
  const lines = [
    ...shLines(index).map((l) => ['docs/index.md', l] as const),
    ...shLines(readFileSync(join(ROOT, 'apps/cli/README.md'), 'utf8')).map((l) => ['apps/cli/README.md', l] as const),
  ];
  it('finds the examples it runs', () => {
    expect(lines.length).toBeGreaterThan(10);
  });
  it.each(lines)('%s: %s', (_doc, line) => {
    if (RUN_UNTIL_INTERRUPTED[line] !== undefined) return;
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', line], {
      cwd: data.dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' },
    });
    // no error line (--verbose status lines are fine)
    expect(r.stderr, line).not.toMatch(/^xtrace: (.*: )?[A-Z_]+( at (offset|line) \d+)?: /m);
    expect(r.status, line).toBe(0);
  });
});
