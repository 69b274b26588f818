#!/usr/bin/env node
// Demo of @x/binary: hex-dumps a file (or a small generated record) and prints its CRC-16/CDMA2000,
// reading the file through a streaming byte source with bounded memory.
//   node examples/demo.mjs [FILE]
import { ByteWriter, CRC16_INIT, crc16Update, hexdump } from '@x/binary';
import { openFileSource } from '@x/binary/node';

const path = process.argv[2];
let crc = CRC16_INIT;
let size = 0;
let head = new Uint8Array(0);
if (path) {
  const source = await openFileSource(path);
  try {
    for (let chunk = await source.read(); chunk; chunk = await source.read()) {
      if (size === 0) head = chunk.subarray(0, 256);
      crc = crc16Update(crc, chunk);
      size += chunk.length;
    }
  } finally {
    await source.close();
  }
} else {
  const writer = new ByteWriter();
  writer.utf8('Ss');
  writer.u8(1);
  const name = 'demo.ss';
  writer.u8(name.length);
  writer.utf8(name);
  writer.u64(BigInt(Date.UTC(2026, 10, 21)));
  writer.u32(1024);
  head = writer.finish();
  crc = crc16Update(crc, head);
  size = head.length;
}
console.log(`${path ?? '(generated sample)'}: ${size} bytes, CRC-16/CDMA2000 0x${crc.toString(16).padStart(4, '0')}`);
process.stdout.write(hexdump(head));
if (size > head.length) console.log(`... (${size - head.length} more bytes)`);
