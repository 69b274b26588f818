/**
 * Content types of the files the viewer's build contains.
 *
 * @module
 */
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** The type served for trace files and anything unknown (never sniffed: responses carry `nosniff`). */
export const OCTET_STREAM = 'application/octet-stream';

/** The `Content-Type` of a viewer file, from its extension (case-insensitive); unknown ones are octet-stream. */
export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? OCTET_STREAM;
}
