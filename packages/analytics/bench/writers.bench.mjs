// Which Parquet writer: the same rows (the `events` table of a 200k-event trace, 24 columns, as the scanner emits
// them) written as one Parquet file by each candidate, in this process, in the same run:
//   - DuckDB COPY ... TO parquet fed by the load format (read_csv of the scanner's rows): what @x/analytics does;
//   - DuckDB COPY ... TO parquet fed by DuckDB's appender (one append call per value);
//   - hyparquet-writer (pure JS, snappy), incremental ParquetWriter, 65536-row groups;
//   - Arrow JS (apache-arrow vectors, IPC stream) + parquet-wasm (zstd).
// Prints the time of each, its ratio to the chosen writer and the file size. Run after `npx tsc -b`.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromBytes } from '@x/binary';
import { ParquetWriter } from 'hyparquet-writer';
import { createRowEncoder, scanTrace, tableLoadQuery, tableSpec } from '../dist/index.js';
import { writeBenchTrace } from './generate.mjs';

const fixtures = process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'x-analytics-writers-'));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

let input = join(fixtures, 'moqtrace-v2', 'v2-large-200k-4seg.moqtrace');
let note = 'corpus v2-large-200k-4seg.moqtrace';
try {
  statSync(input);
} catch {
  input = join(tmp, 'bench.moqtrace');
  writeBenchTrace(input, 200_000);
  note = 'generated 200k-event trace';
}

const spec = tableSpec('events');
const rows = [];
await scanTrace(fromBytes(new Uint8Array(readFileSync(input))), {
  file: 'bench.moqtrace',
  sink: { add: (table, row) => table === 'events' && rows.push(row) },
});
const names = spec.inputs.map((i) => i.name);
const base64 = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

async function duck() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  return { instance, connection: await instance.connect() };
}

async function viaLoadFormat(out) {
  const { instance, connection } = await duck();
  const encoder = createRowEncoder(spec, base64);
  const parts = [];
  let text = '';
  for (const row of rows) {
    text += encoder.encode(row);
    if (text.length > 65536) {
      parts.push(Buffer.from(text));
      text = '';
    }
  }
  parts.push(Buffer.from(text));
  const csv = join(tmp, 'events.csv');
  writeFileSync(csv, Buffer.concat(parts));
  await connection.run(`COPY (${tableLoadQuery(spec, csv)}) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
  connection.closeSync();
  instance.closeSync();
}

async function viaAppender(out) {
  const { instance, connection } = await duck();
  const types = spec.inputs.map((i) => `"${i.name}" ${i.csvType}`).join(', ');
  await connection.run(`CREATE TABLE t (${types})`);
  const appender = await connection.createAppender('t');
  const kinds = spec.inputs.map((i) => i.csvType);
  for (const row of rows) {
    for (let c = 0; c < kinds.length; c++) {
      const v = row[c];
      if (v === null || v === undefined) appender.appendNull();
      else if (kinds[c] === 'VARCHAR') appender.appendVarchar(String(v));
      else if (kinds[c] === 'DATE') appender.appendVarchar(String(v));
      else if (kinds[c] === 'UBIGINT') appender.appendUBigInt(BigInt(v));
      else if (kinds[c] === 'BIGINT') appender.appendBigInt(BigInt(v));
      else appender.appendUInteger(Number(v));
    }
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
  connection.closeSync();
  instance.closeSync();
}

async function viaHyparquet(out) {
  const { fileWriter } = await import('hyparquet-writer/src/node.js');
  const parquetTypes = {
    VARCHAR: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    DATE: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    UBIGINT: { type: 'INT64', converted_type: 'UINT_64' },
    BIGINT: { type: 'INT64' },
    UINTEGER: { type: 'INT32', converted_type: 'UINT_32' },
  };
  const schema = [
    { name: 'root', num_children: names.length },
    ...spec.inputs.map((i) => ({ name: i.name, repetition_type: 'OPTIONAL', ...parquetTypes[i.csvType] })),
  ];
  const writer = new ParquetWriter({ writer: fileWriter(out), schema });
  const group = 65536;
  for (let start = 0; start < rows.length; start += group) {
    const slice = rows.slice(start, start + group);
    const columnData = spec.inputs.map((input, c) => ({
      name: input.name,
      data: slice.map((row) => {
        const v = row[c];
        if (v === null || v === undefined) return null;
        if (input.csvType === 'UBIGINT' || input.csvType === 'BIGINT') return BigInt(v);
        if (input.csvType === 'UINTEGER') return Number(v);
        return String(v);
      }),
    }));
    await writer.write({ columnData, rowGroupSize: group });
  }
  await writer.finish();
}

const require = createRequire(import.meta.url);
async function viaArrowParquetWasm(out) {
  const arrow = await import('apache-arrow');
  const parquet = require('parquet-wasm/node');
  const arrowTypes = {
    VARCHAR: () => new arrow.Utf8(),
    DATE: () => new arrow.Utf8(),
    UBIGINT: () => new arrow.Uint64(),
    BIGINT: () => new arrow.Int64(),
    UINTEGER: () => new arrow.Uint32(),
  };
  const columns = {};
  spec.inputs.forEach((input, c) => {
    const wide = input.csvType === 'UBIGINT' || input.csvType === 'BIGINT';
    const values = rows.map((row) => {
      const v = row[c];
      if (v === null || v === undefined) return null;
      return wide ? BigInt(v) : input.csvType === 'UINTEGER' ? Number(v) : String(v);
    });
    columns[input.name] = arrow.vectorFromArray(values, arrowTypes[input.csvType]());
  });
  const table = new arrow.Table(columns);
  const ipc = arrow.tableToIPC(table, 'stream');
  const wasmTable = parquet.Table.fromIPCStream(ipc);
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).build();
  writeFileSync(out, parquet.writeParquet(wasmTable, props));
}

const candidates = [
  ['DuckDB COPY fed by the load format (chosen)', viaLoadFormat],
  ['DuckDB COPY fed by the appender', viaAppender],
  ['hyparquet-writer (snappy)', viaHyparquet],
  ['Arrow JS + parquet-wasm (zstd)', viaArrowParquetWasm],
];
console.log(
  `Parquet writers: ${rows.length} rows x ${names.length} columns of the events table (${note}), median of ${RUNS}`,
);
const results = [];
for (const [name, write] of candidates) {
  const out = join(tmp, `${results.length}.parquet`);
  const times = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await write(out);
      times.push(performance.now() - start);
    }
    results.push({ name, ms: median(times), size: statSync(out).size });
  } catch (error) {
    results.push({ name, error: String(error?.message ?? error).slice(0, 120) });
  }
}
const chosen = results[0].ms;
for (const r of results) {
  if (r.error) console.log(`  ${r.name.padEnd(46)} failed: ${r.error}`);
  else {
    console.log(
      `  ${r.name.padEnd(46)} ${r.ms.toFixed(0).padStart(7)} ms  ${(r.ms / chosen).toFixed(2)}x  ${(r.size / 1e6).toFixed(2)} MB`,
    );
  }
}
rmSync(tmp, { recursive: true, force: true });
