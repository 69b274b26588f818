#!/usr/bin/env node
// pnpm fuzz: mutation fuzzing of every reader of the toolkit, bounded by time or cases, deterministic given the
// seed. See fuzz/README.md. Exits 1 when a case broke an invariant (its minimized input is saved under
// fuzz/findings/), 2 on a usage error.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeCase, selectTargets, TARGETS } from './lib/cases.mjs';
import { runOnce, saveFinding } from './lib/execute.mjs';
import { mixSeed } from './lib/random.mjs';
import { loadSeeds } from './lib/seeds.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const USAGE = `usage: pnpm fuzz -- [--seconds N] [--cases N] [--seed N] [--targets a,b] [--case I] [--replay FILE.json]
  --seconds N       stop starting cases after N seconds (default 60 when --cases is not given)
  --cases N         run at most N cases
  --seed N          run seed (default: from the clock; printed, so a run can be repeated)
  --targets a,b     only these targets (${TARGETS.map(([t]) => t.name).join(', ')})
  --case I          run only case I of the seed (reproduce a finding from scratch)
  --replay FILE     run a saved finding's input (fuzz/findings/*.json) through its target again
  --regressions     run the regression corpus (fuzz/regressions.mjs) through its targets and xtrace
  --findings DIR    where findings are saved (default fuzz/findings)
  --slow-factor X   multiply the time bound of a case (default 1; raise it on a busy machine)
  --minimize-ms N   time spent shrinking one finding (default 60000)`;

function fail(message) {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      seconds: { type: 'string' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      targets: { type: 'string' },
      case: { type: 'string' },
      replay: { type: 'string' },
      regressions: { type: 'boolean' },
      findings: { type: 'string' },
      'slow-factor': { type: 'string' },
      'minimize-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    args: process.argv.slice(2).filter((a) => a !== '--'),
  }).values;
} catch (error) {
  fail(error.message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const number = (name, fallback) => {
  if (args[name] === undefined) return fallback;
  const n = Number(args[name]);
  if (!(Number.isFinite(n) && n >= 0)) fail(`--${name} must be a non-negative number`);
  return n;
};

const targetNames = args.targets ? args.targets.split(',').filter(Boolean) : [];
let targets;
try {
  targets = selectTargets(targetNames);
} catch (error) {
  fail(error.message);
}
const findingsDir = args.findings ?? join(HERE, 'findings');

if (args.regressions) {
  // The regression corpus through its targets, and through the command line wherever its input is a file xtrace
  // reads (also the cases whose CLI check pnpm test leaves to the CLI's own tests).
  const { regressionCases } = await import('./regressions.mjs');
  let failed = 0;
  for (const c of regressionCases()) {
    const [[target]] = selectTargets([c.target]);
    const runs = [...(c.chunkSizes ?? [undefined]).map((chunkSize) => [target, chunkSize])];
    if (['trace', 'ss', 'traceNdjson', 'ssNdjson'].includes(c.family))
      runs.push([selectTargets(['cli'])[0][0], undefined]);
    const problems = [];
    for (const [t, chunkSize] of runs) {
      const result = await runOnce(t, c.bytes, 1, c.family, { chunkSize });
      if (result.finding) problems.push(`${t.name}: ${result.finding.message}`);
    }
    try {
      await c.check?.(c.bytes);
    } catch (error) {
      problems.push(error.message);
    }
    if (c.sized) {
      // A denial-of-service case: its time at full size against a quarter of it (the best of three each).
      const best = async (bytes) => {
        let ms = Number.POSITIVE_INFINITY;
        for (let k = 0; k < 3; k++)
          ms = Math.min(ms, (await runOnce(target, bytes, 1, c.family, { chunkSize: c.chunkSizes?.[0] })).ms);
        return ms;
      };
      const [full, quarter] = [await best(c.sized(1)), await best(c.sized(0.25))];
      if (full > 10 * quarter + 200)
        problems.push(`superlinear: ${Math.round(full)} ms at full size, ${Math.round(quarter)} ms at a quarter`);
    }
    failed += problems.length > 0 ? 1 : 0;
    console.log(
      `${problems.length ? 'FAIL' : 'ok  '} ${c.id} (${c.bytes.length} bytes)${problems.map((p) => `\n     ${p}`).join('')}`,
    );
  }
  console.log(`fuzz: regression corpus: ${failed === 0 ? 'every case holds' : `${failed} cases fail`}`);
  process.exit(failed === 0 ? 0 : 1);
}

if (args.replay) {
  // Replays a saved finding: its input through its target with the same run seed.
  const meta = JSON.parse(readFileSync(args.replay, 'utf8'));
  const [[target]] = selectTargets([meta.target]);
  const bytes = new Uint8Array(readFileSync(meta.input));
  const result = await runOnce(target, bytes, meta.runSeed, meta.family);
  if (result.finding) {
    console.log(`finding reproduced: ${result.finding.message}`);
    if (result.finding.cause instanceof Error) console.log(result.finding.cause.stack);
    process.exit(1);
  }
  console.log(`no finding: ${result.outcome} in ${Math.round(result.ms)} ms`);
  process.exit(0);
}

const seed = args.seed === undefined ? Date.now() % 2 ** 31 : number('seed', 0);
const only = args.case === undefined ? undefined : number('case', 0);
let seconds = number('seconds', undefined);
const cases = number('cases', undefined);
if (seconds === undefined && cases === undefined && only === undefined) seconds = 60;
const from = only ?? 0;
const to = only !== undefined ? only + 1 : (cases ?? Number.POSITIVE_INFINITY);
const started = Date.now();
const deadline = seconds === undefined ? Number.POSITIVE_INFINITY : started + seconds * 1000;
const slowFactor = number('slow-factor', 1);
const minimizeMs = number('minimize-ms', 60_000);

console.log(
  `fuzz: seed ${seed}, ${seconds === undefined ? '' : `${seconds} s`}${seconds !== undefined && cases !== undefined ? ' or ' : ''}${cases === undefined ? '' : `${cases} cases`}${only === undefined ? '' : `case ${only}`}; targets ${targets.map(([t]) => t.name).join(', ')}`,
);
console.log(
  `fuzz: repeat with: pnpm fuzz -- --seed ${seed}${seconds === undefined ? '' : ` --seconds ${seconds}`}${cases === undefined ? '' : ` --cases ${cases}`}`,
);

/** Per-target counts. */
const stats = new Map();
const statOf = (name) => {
  let s = stats.get(name);
  if (s === undefined)
    stats.set(name, (s = { cases: 0, clean: 0, problems: 0, thrown: 0, findings: 0, ms: 0, maxMs: 0, bytes: 0 }));
  return s;
};
const findings = [];
let harnessFailed = false;
let seeds;
const caseOf = (index) => {
  seeds ??= loadSeeds(seed);
  return makeCase(seeds, seed, index, targets);
};

/** Runs workers until the budget is spent; a hung or dead worker is replaced after its case is recorded. */
async function runWorkers() {
  let next = from;
  const seen = [];
  for (;;) {
    const status = await new Promise((resolve) => {
      const child = fork(join(HERE, 'worker.mjs'), [], {
        execArgv: ['--expose-gc', '--max-old-space-size=3072'],
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      let current;
      let startedAt = 0;
      let settled = false;
      const finish = (value) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        resolve(value);
      };
      const watchdog = setInterval(() => {
        if (current === undefined) return;
        const limit = slowFactor * (120_000 + current.size * 0.2);
        if (Date.now() - startedAt > limit) {
          child.kill('SIGKILL');
          finish({ lost: current, why: `hang: no result after ${Math.round((Date.now() - startedAt) / 1000)} s` });
        }
      }, 1000);
      child.on('message', (m) => {
        if (m.type === 'ready') {
          if (next === from) {
            console.log(`fuzz: corpus ${m.corpus ?? 'not found (generated seeds only; set X_FIXTURES_DIR)'}`);
            console.log(
              `fuzz: seeds per family ${Object.entries(m.families)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`,
            );
          }
        } else if (m.type === 'start') {
          current = m;
          startedAt = Date.now();
        } else if (m.type === 'result') {
          const s = statOf(m.target);
          s.cases++;
          s.ms += m.ms;
          s.bytes += m.size;
          s.maxMs = Math.max(s.maxMs, m.ms);
          if (m.outcome === 'finding') s.findings++;
          else if (m.outcome.startsWith('thrown')) s.thrown++;
          else if (
            m.outcome === 'clean' ||
            m.outcome === 'items' ||
            m.outcome === 'empty' ||
            m.outcome.startsWith('validate 0') ||
            m.outcome.startsWith('convert 0')
          )
            s.clean++;
          else s.problems++;
          next = m.index + 1;
          current = undefined;
        } else if (m.type === 'finding') {
          findings.push(m);
          if (!m.repeat) seen.push(m.signature);
          console.log(
            `fuzz: FINDING case ${m.index} (${m.target}) ${m.kind} in ${m.where}: ${m.detail}${m.file ? `\n      saved ${m.file} (${m.size} bytes)` : ' (seen before)'}`,
          );
        } else if (m.type === 'recycle') {
          next = m.next;
          finish({ again: true });
        } else if (m.type === 'done') {
          finish({ done: true });
        } else if (m.type === 'error') {
          console.error(`fuzz: harness error (a bug of the fuzzer, not a finding): ${m.message}`);
          harnessFailed = true;
          finish({ error: true });
        }
      });
      child.on('exit', (code, signal) => {
        if (current !== undefined)
          finish({
            lost: current,
            why: `crash: the worker exited (${signal ?? code}) ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          });
        else finish({ done: true });
      });
      child.send({
        seed,
        from: next,
        to: Number.isFinite(to) ? to : null,
        deadline: Number.isFinite(deadline) ? deadline : null,
        targets: targetNames,
        findings: findingsDir,
        slowFactor,
        minimizeMs,
        seen,
        recycleBytes: 2.5 * 1024 ** 3,
      });
    });
    if (status.error) return;
    if (status.lost) {
      const { index } = status.lost;
      const c = caseOf(index);
      const kind = status.why.startsWith('hang') ? 'hang' : 'crash';
      const file = saveFinding(findingsDir, {
        target: c.target.name,
        kind,
        where: c.target.name,
        detail: status.why,
        seed,
        index,
        family: c.family,
        from: c.seed,
        ops: c.ops,
        originalSize: c.bytes.length,
        size: c.bytes.length,
        minimized: false,
        runSeed: mixSeed(seed, index, 'run'),
        replay: `pnpm fuzz -- --seed ${seed} --case ${index}`,
        bytes: c.bytes,
      });
      findings.push({ index, target: c.target.name, kind });
      const s = statOf(c.target.name);
      s.cases++;
      s.findings++;
      console.log(
        `fuzz: FINDING case ${index} (${c.target.name}) ${status.why}\n      saved ${file} (${c.bytes.length} bytes)`,
      );
      next = index + 1;
      continue;
    }
    if (status.again && next < to && Date.now() < deadline) continue;
    return;
  }
}

const progress = setInterval(() => {
  let n = 0;
  for (const s of stats.values()) n += s.cases;
  console.log(`fuzz: ${Math.round((Date.now() - started) / 1000)} s, ${n} cases, ${findings.length} findings`);
}, 30_000);
await runWorkers();
clearInterval(progress);

const rows = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b));
let total = 0;
console.log(
  `\n${'target'.padEnd(16)}${'cases'.padStart(8)}${'clean'.padStart(8)}${'problems'.padStart(10)}${'thrown'.padStart(8)}${'findings'.padStart(10)}${'MB'.padStart(9)}${'avg ms'.padStart(9)}${'max ms'.padStart(9)}`,
);
for (const [name, s] of rows) {
  total += s.cases;
  console.log(
    `${name.padEnd(16)}${String(s.cases).padStart(8)}${String(s.clean).padStart(8)}${String(s.problems).padStart(10)}${String(s.thrown).padStart(8)}${String(s.findings).padStart(10)}${(s.bytes / 1e6).toFixed(1).padStart(9)}${(s.ms / Math.max(1, s.cases)).toFixed(1).padStart(9)}${String(Math.round(s.maxMs)).padStart(9)}`,
  );
}
console.log(
  `fuzz: ${total} cases in ${Math.round((Date.now() - started) / 1000)} s, seed ${seed}: ${findings.length === 0 ? 'no finding' : `${findings.length} findings (saved in ${findingsDir})`}`,
);
process.exit(harnessFailed ? 2 : findings.length === 0 ? 0 : 1);
