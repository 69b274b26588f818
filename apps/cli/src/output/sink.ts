/**
 * Buffered text/bytes output over a Node writable stream: batches small writes, respects backpressure
 * (`write()` returning false waits for `drain`) and turns a closed pipe (EPIPE) into {@link OutputClosed}.
 *
 * @module
 */
import { OutputClosed } from '../errors.js';

/** The subset of a Node writable stream the sink uses. */
export interface WritableLike {
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  readonly isTTY?: boolean;
}

const FLUSH_AT = 16 * 1024;

/**
 * Batches output. `write` appends and returns a promise only when the buffer had to be flushed, so a tight
 * loop costs nothing per line: `const p = sink.write(line); if (p) await p;`.
 */
export class OutputSink {
  private text = '';
  private closed = false;
  private pending: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly onError = (error: Error): void => {
    const code = (error as Error & { code?: string }).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET') this.closed = true;
    else this.failure = error;
  };

  /** @param stream where the output goes (stdout, a file stream, a test stream) */
  constructor(readonly stream: WritableLike) {
    stream.on('error', this.onError);
  }

  /** True once the reader side went away (EPIPE). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Appends text; returns a promise when a flush happened and the caller should wait. */
  write(text: string): Promise<void> | undefined {
    this.check();
    this.text += text;
    if (this.text.length >= FLUSH_AT) return this.flush();
    return undefined;
  }

  /**
   * Appends text from synchronous code (a parser callback): a flush it triggers is remembered, and
   * {@link OutputSink.settle} waits for it. A closed pipe still throws {@link OutputClosed} at once.
   */
  append(text: string): void {
    const p = this.write(text);
    if (p) {
      p.catch(() => undefined);
      this.pending = this.pending ? this.pending.then(() => p) : p;
    }
  }

  /** Waits for flushes started by {@link OutputSink.append}. */
  async settle(): Promise<void> {
    const p = this.pending;
    this.pending = undefined;
    if (p) await p;
    this.check();
  }

  /** Appends raw bytes (flushes pending text first to keep order). */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.push(bytes);
  }

  /** Writes everything buffered and waits for the stream to accept it. */
  async flush(): Promise<void> {
    this.check();
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    await this.push(text);
  }

  /** Flushes and detaches the error listener. */
  async end(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.stream.removeListener('error', this.onError as (...args: never[]) => void);
    }
  }

  private check(): void {
    if (this.closed) throw new OutputClosed();
    if (this.failure) throw this.failure;
  }

  private async push(chunk: string | Uint8Array): Promise<void> {
    let ok: boolean;
    try {
      ok = this.stream.write(chunk, (error) => {
        if (error) this.onError(error);
      });
    } catch (error) {
      this.onError(error as Error);
      this.check();
      return;
    }
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          clearInterval(timer);
          resolve();
        };
        this.stream.once('drain', finish);
        // a destroyed stream never drains: poll the closed flag
        const timer = setInterval(() => {
          if (this.closed || this.failure) finish();
        }, 50);
      });
    }
    this.check();
  }
}
