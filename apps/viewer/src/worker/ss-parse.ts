import type { FileParser } from './errors.js';
import type { Detail, FromWorker } from './protocol.js';

export class SsParser implements FileParser {
  constructor(
    private readonly file: Blob,
    private readonly post: (message: FromWorker, transfer?: Transferable[]) => void,
  ) {}
  async run(): Promise<void> {
    this.post({ kind: 'fatal', code: 'NOT_READY', message: 'reader not available yet', hex: String(this.file.size) });
  }
  async detail(_index: number): Promise<Detail | null> {
    return null;
  }
}
