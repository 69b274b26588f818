import type { Detail } from './protocol.js';

/** What the worker needs from a format-specific parser. */
export interface FileParser {
  run(): Promise<void>;
  detail(index: number): Promise<Detail | null>;
  seek?(stream: number, by: 'seq' | 'time', value: string): Promise<{ index: number; message: string }>;
}

export function codeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'ERROR';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
