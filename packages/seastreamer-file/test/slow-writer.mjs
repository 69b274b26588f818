// Child process for the follow tests: writes a SeaStreamer file slowly.
//   node slow-writer.mjs raw <source.bin> <target.ss> <seed>   copies bytes in random pieces (splitting
//                                                             frames and beacons) with short pauses
//   node slow-writer.mjs writer <target.ss> <count>          writes messages with the package's file writer
//                                                             (built dist), flushing each one, then EOS
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const [mode, ...args] = process.argv.slice(2);

if (mode === 'raw') {
  const [sourcePath, target, seedText] = args;
  const bytes = readFileSync(sourcePath);
  let seed = Number(seedText) >>> 0 || 1;
  const rand = () => {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 2 ** 32;
  };
  writeFileSync(target, bytes.subarray(0, 3)); // even the header arrives in pieces
  let at = 3;
  while (at < bytes.length) {
    const n = 1 + Math.floor(rand() * 90);
    appendFileSync(target, bytes.subarray(at, Math.min(bytes.length, at + n)));
    at += n;
    await sleep(rand() < 0.2 ? 15 : 2);
  }
} else if (mode === 'writer') {
  const [target, countText] = args;
  const { createSeaStreamerFileWriter } = await import('../dist/node/index.js');
  const writer = await createSeaStreamerFileWriter(target, { beaconInterval: 256, createdAt: 1 });
  const count = Number(countText);
  for (let i = 0; i < count; i++) {
    writer.write({
      streamKey: i % 3 === 0 ? 'three' : 'other',
      shardId: BigInt(i % 2),
      seqNo: BigInt(i),
      timestamp: BigInt(1000 + i),
      payload: `message-${i}-${'z'.repeat(i % 40)}`,
    });
    await writer.flush();
    await sleep(i % 10 === 0 ? 10 : 1);
  }
  await writer.close({ eos: true, eosTimestamp: 2000n });
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
