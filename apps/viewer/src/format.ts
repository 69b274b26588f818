/** Display helpers shared by the panels. */
import { EVENT_TYPE_NAMES } from '@x/moqtrace';
import type { FileFormat } from './worker/protocol.js';

/** Event type names 0–10 in `e` order, from the library (one table for the CLI, the viewer and the docs). */
export const TYPE_NAMES: readonly string[] = EVENT_TYPE_NAMES;

export const UNKNOWN_TYPE = 255;

export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? 'unknown';
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '';
}

export function fmtId(n: number): string {
  return Number.isNaN(n) ? '' : String(n);
}

/** Microseconds as seconds with 6 decimals (`+1.234567`). */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return '';
  return `${(us / 1e6).toFixed(6)}`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function fmtBitrate(bps: number): string {
  if (!Number.isFinite(bps)) return '';
  if (bps < 1e3) return `${bps.toFixed(0)} bit/s`;
  if (bps < 1e6) return `${(bps / 1e3).toFixed(1)} kbit/s`;
  return `${(bps / 1e6).toFixed(2)} Mbit/s`;
}

export function fmtDate(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Direction arrow: control sent →, received ←. */
export function dirArrow(dir: number): string {
  return dir === 0 ? '→' : dir === 1 ? '←' : '';
}

/** Display name of a file format. */
export function formatName(format: FileFormat): string {
  switch (format) {
    case 'moqtrace':
      return '.moqtrace';
    case 'qlog':
      return 'MoQT qlog';
    case 'ss':
      return 'SeaStreamer .ss';
    default:
      return 'unknown';
  }
}
