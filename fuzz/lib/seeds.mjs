// Seed inputs per family: the shared conformance corpora, read in place (X_FIXTURES_DIR, default
// ../shared/fixtures), and files the project's writers generate at fuzz time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeTraceHeader } from '@x/moqtrace';
import {
  generateCborSequence,
  generateQlog,
  generateSeaStreamer,
  generateSeaStreamerNdjson,
  generateTrace,
  generateTraceNdjson,
} from './generate.mjs';
import { Random } from './random.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The fixtures folder the project reads in place. */
export function fixturesDir() {
  return process.env.X_FIXTURES_DIR ?? resolve(ROOT, '../shared/fixtures');
}

function filesOf(dir, test) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(test)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** Corpus files per family (paths; read when picked, so a 12 MB fixture costs nothing until used). */
export function corpusFiles() {
  const root = fixturesDir();
  const trace = [
    ...filesOf(join(root, 'moqtrace'), (n) => n.endsWith('.moqtrace')),
    ...filesOf(join(root, 'moqtrace-v2'), (n) => n.endsWith('.moqtrace')),
  ];
  const ss = filesOf(join(root, 'seastreamer'), (n) => n.endsWith('.ss'));
  const ssText = filesOf(join(root, 'seastreamer'), (n) => n.endsWith('.ndjson'));
  return { root, present: trace.length > 0 || ss.length > 0, trace, ss, ssText };
}

/** A seed: where it came from and its bytes (read or generated on first use, then kept). */
class Seed {
  constructor(label, load, size = 0) {
    this.label = label;
    this.load = load;
    this.size = size;
    this.cached = undefined;
  }

  get bytes() {
    this.cached ??= this.load();
    return this.cached;
  }
}

/**
 * The seeds of every family: corpus files plus `generated` files per family written by the project's writers
 * from `seed` (deterministic). Families: trace, ss, cbor, traceNdjson, ssNdjson, qlog.
 */
export function loadSeeds(seed, generated = 24) {
  const corpus = corpusFiles();
  const fromFile = (path) =>
    new Seed(path.slice(corpus.root.length + 1), () => new Uint8Array(readFileSync(path)), statSync(path).size);
  // The CBOR sequence of a corpus trace's first segment (its events, without preamble and header).
  const eventsOf = (path) => {
    if (statSync(path).size > 1024 * 1024) return undefined;
    const bytes = new Uint8Array(readFileSync(path));
    let eventsOffset;
    try {
      eventsOffset = decodeTraceHeader(bytes).eventsOffset;
    } catch {
      return undefined; // no usable header: nothing to cut
    }
    return new Seed(`${path.slice(corpus.root.length + 1)} events`, () => bytes.subarray(eventsOffset));
  };
  const made = (family, make) =>
    Array.from(
      { length: generated },
      (_, i) => new Seed(`generated ${family} #${i}`, () => make(new Random(seed + i))),
    );
  const families = {
    trace: [...corpus.trace.map(fromFile), ...made('trace', (r) => generateTrace(r))],
    ss: [...corpus.ss.map(fromFile), ...made('ss', (r) => generateSeaStreamer(r))],
    cbor: [
      ...corpus.trace.map(eventsOf).filter((x) => x !== undefined),
      ...made('cbor', (r) => generateCborSequence(r)),
    ],
    traceNdjson: made('traceNdjson', (r) => generateTraceNdjson(r)),
    ssNdjson: [...corpus.ssText.map(fromFile), ...made('ssNdjson', (r) => generateSeaStreamerNdjson(r))],
    qlog: made('qlog', (r) => generateQlog(r)),
  };
  return { corpus, families };
}

/**
 * Picks a seed of a family, small files far more often than large ones (a 12 MB fixture is read through every
 * path in seconds; it is still picked now and then).
 */
export function pickSeed(rng, seeds) {
  return rng.weighted(seeds.map((s) => [s, s.size > 1024 * 1024 ? 0.05 : 1]));
}
