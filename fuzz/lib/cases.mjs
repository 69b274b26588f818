// The targets and how a case is made: from (run seed, case index) alone, a target, a seed input of its family and
// the mutations applied to it. The parent process rebuilds a case the same way when a worker hangs or dies.
import { mutate } from './mutate.mjs';
import { mixSeed, Random } from './random.mjs';
import { pickSeed } from './seeds.mjs';
import { cborTarget } from './targets/cbor.mjs';
import { cliTarget } from './targets/cli.mjs';
import { moqtraceTarget } from './targets/moqtrace.mjs';
import { ssNdjsonTarget, traceNdjsonTarget } from './targets/ndjson.mjs';
import { qlogTarget } from './targets/qlog.mjs';
import { seastreamerTarget } from './targets/seastreamer.mjs';

/** Every target with its weight (how often it is picked); the CLI runs a subprocess, so it gets a sample. */
export const TARGETS = [
  [moqtraceTarget, 6],
  [seastreamerTarget, 6],
  [cborTarget, 4],
  [traceNdjsonTarget, 3],
  [ssNdjsonTarget, 3],
  [qlogTarget, 3],
  [cliTarget, 1],
];

const TEXT_FAMILIES = new Set(['traceNdjson', 'ssNdjson', 'qlog']);

/** The targets named in `names` (all when empty); throws on an unknown name. */
export function selectTargets(names) {
  if (names.length === 0) return TARGETS;
  const known = new Map(TARGETS.map(([t, w]) => [t.name, [t, w]]));
  return names.map((name) => {
    const entry = known.get(name);
    if (entry === undefined) throw new Error(`unknown target ${name} (known: ${[...known.keys()].join(', ')})`);
    return entry;
  });
}

/** Builds case `index` of run `seed`: `{ target, family, seed, bytes, ops, amplified, rng }`. */
export function makeCase(seeds, runSeed, index, targets) {
  const rng = new Random(mixSeed(runSeed, index));
  const target = rng.weighted(targets);
  const families = Array.isArray(target.family) ? target.family : [target.family];
  const family = rng.pick(families.filter((f) => seeds.families[f].length > 0));
  const list = seeds.families[family];
  const base = pickSeed(rng, list);
  const text = TEXT_FAMILIES.has(family);
  let bytes = base.bytes;
  let ops = ['unmutated'];
  let amplified;
  if (!rng.chance(0.03)) {
    const other = pickSeed(rng, list).bytes;
    ({ bytes, ops, amplified } = mutate(rng, bytes, { text, other }));
  }
  return { target, family, seed: base.label, bytes, ops, amplified, rng: rng.fork('run') };
}
