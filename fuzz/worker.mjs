// The fuzzing worker, a child process of run.mjs: runs cases in order and reports each one, so that the parent
// can kill it when a case hangs and rebuild that case from its index. Checks, besides the targets' invariants,
// that no case takes more than a linear time bound (and that amplified inputs scale linearly), and that no case
// allocates beyond a bound relative to its size.
import { makeCase, selectTargets } from './lib/cases.mjs';
import { Finding } from './lib/check.mjs';
import { checkScaling, heap, memoryLimit, runOnce, saveFinding, timeLimitMs } from './lib/execute.mjs';
import { minimize } from './lib/minimize.mjs';
import { mixSeed } from './lib/random.mjs';
import { loadSeeds } from './lib/seeds.mjs';

const MiB = 1024 * 1024;

async function main(config) {
  const targets = selectTargets(config.targets);
  const seeds = loadSeeds(config.seed);
  const send = (message) => process.send?.(message);
  send({
    type: 'ready',
    corpus: seeds.corpus.present ? seeds.corpus.root : undefined,
    families: Object.fromEntries(Object.entries(seeds.families).map(([k, v]) => [k, v.length])),
  });
  const seen = new Set(config.seen ?? []);
  const to = config.to ?? Number.POSITIVE_INFINITY;
  const deadline = config.deadline ?? Number.POSITIVE_INFINITY;
  for (let index = config.from; index < to && Date.now() < deadline; index++) {
    const c = makeCase(seeds, config.seed, index, targets);
    const runSeed = mixSeed(config.seed, index, 'run');
    send({ type: 'start', index, target: c.target.name, size: c.bytes.length });
    globalThis.gc?.();
    const before = heap();
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const result = await runOnce(c.target, c.bytes, runSeed, c.family);
    const grown = heap() - before;
    const rssGrown = process.resourceUsage().maxRSS * 1024 - rssBefore;
    let finding = result.finding;
    if (finding === undefined && Math.max(grown, rssGrown) > memoryLimit(c.bytes.length)) {
      finding = new Finding(
        'memory',
        c.target.name,
        `${Math.round(Math.max(grown, rssGrown) / MiB)} MiB for ${c.bytes.length} bytes`,
      );
    }
    if (finding === undefined && result.ms > timeLimitMs(c.bytes.length, config.slowFactor)) {
      const again = await runOnce(c.target, c.bytes, runSeed, c.family);
      if (again.ms > timeLimitMs(c.bytes.length, config.slowFactor)) {
        finding = new Finding(
          'slow',
          c.target.name,
          `${Math.round(Math.min(result.ms, again.ms))} ms for ${c.bytes.length} bytes`,
        );
      }
    }
    if (finding === undefined && c.amplified !== undefined) finding = await checkScaling(c, result, runSeed);
    if (finding !== undefined) {
      const signature = finding.signature;
      let bytes = c.bytes;
      let minimized = false;
      if (!seen.has(signature) && !['slow', 'superlinear', 'memory'].includes(finding.kind)) {
        const shrunk = await minimize(
          c.bytes,
          async (candidate) => (await runOnce(c.target, candidate, runSeed, c.family)).finding?.signature === signature,
          { text: ['traceNdjson', 'ssNdjson', 'qlog'].includes(c.family), maxMs: config.minimizeMs },
        );
        bytes = shrunk.bytes;
        minimized = true;
      }
      const entry = {
        target: c.target.name,
        kind: finding.kind,
        where: finding.where,
        detail: finding.detail,
        seed: config.seed,
        index,
        family: c.family,
        from: c.seed,
        ops: c.ops,
        originalSize: c.bytes.length,
        size: bytes.length,
        minimized,
        runSeed,
        stack: finding.cause instanceof Error ? finding.cause.stack : finding.stack,
        replay: `pnpm fuzz -- --seed ${config.seed} --case ${index}`,
        bytes,
      };
      const file = seen.has(signature) ? undefined : saveFinding(config.findings, entry);
      seen.add(signature);
      send({
        type: 'finding',
        index,
        target: c.target.name,
        kind: finding.kind,
        where: finding.where,
        signature,
        detail: finding.detail,
        file,
        size: bytes.length,
        repeat: file === undefined,
      });
    }
    send({
      type: 'result',
      index,
      target: c.target.name,
      outcome: result.outcome,
      ms: result.ms,
      size: c.bytes.length,
    });
    if (process.resourceUsage().maxRSS * 1024 > config.recycleBytes) {
      send({ type: 'recycle', next: index + 1 });
      return;
    }
  }
  send({ type: 'done' });
}

process.once('message', (config) => {
  main(config).then(
    () => process.disconnect?.(),
    (error) => {
      process.send?.({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
      process.disconnect?.();
    },
  );
});
