/**
 * The parse worker: detects the format from the first bytes, parses the file with the libraries' streaming
 * readers and posts columnar batches with progress. It keeps what it needs to answer detail and seek requests.
 */
import { toHex } from '@x/binary';
import type { WorkerScope } from './batch.js';
import { DETECT_BYTES, detectFormat } from './detect.js';
import type { FileParser } from './errors.js';
import { codeOf, messageOf } from './errors.js';
import type { Detail, FromWorker, ToWorker } from './protocol.js';

const scope = self as unknown as WorkerScope & {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let parser: FileParser | null = null;
let ready: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const message = event.data;
  if (message.kind === 'open') {
    ready = open(message.file).catch((error: unknown) => {
      post({ kind: 'fatal', code: codeOf(error), message: messageOf(error), hex: '' });
    });
    return;
  }
  void ready.then(async () => {
    if (message.kind === 'detail') {
      let detail: Detail | null = null;
      try {
        detail = parser ? await parser.detail(message.index) : null;
      } catch (error) {
        post({ kind: 'problem', problem: { severity: 'warning', code: codeOf(error), message: messageOf(error) } });
      }
      post({ kind: 'detail', reqId: message.reqId, detail });
    } else if (message.kind === 'seek') {
      try {
        const result = parser?.seek
          ? await parser.seek(message.stream, message.by, message.value)
          : { index: -1, message: 'seek is not available for this file' };
        post({ kind: 'seek', reqId: message.reqId, ...result });
      } catch (error) {
        post({ kind: 'seek', reqId: message.reqId, index: -1, message: messageOf(error) });
      }
    }
  });
};

async function open(file: Blob): Promise<void> {
  const head = new Uint8Array(await file.slice(0, DETECT_BYTES).arrayBuffer());
  const format = detectFormat(head);
  post({ kind: 'format', format, size: file.size });
  if (format === 'unknown') {
    post({
      kind: 'fatal',
      code: file.size === 0 ? 'TRUNCATED' : 'UNKNOWN_FORMAT',
      message:
        file.size === 0
          ? 'The file is empty: no header at offset 0.'
          : 'This is not a .moqtrace trace (it would start with "MOQTRACE"), a SeaStreamer .ss recording (it would start with "Ss" and version 1) or a MoQT qlog/mlog file (JSON with qlog fields or moqt: events).',
      hex: toHex(head, 0, Math.min(head.length, 32)),
    });
    return;
  }
  if (format === 'moqtrace') {
    const { MoqtraceFileParser } = await import('./moqtrace-parse.js');
    parser = new MoqtraceFileParser(file, post);
  } else if (format === 'qlog') {
    const { QlogFileParser } = await import('./qlog-parse.js');
    parser = new QlogFileParser(file, post);
  } else {
    const { SsParser } = await import('./ss-parse.js');
    parser = new SsParser(file, post);
  }
  await parser.run();
}
