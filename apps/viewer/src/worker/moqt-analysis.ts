/**
 * Control-message naming from @x/moqtrace (`controlMessageName`, `draftFromProtocol`, `draftFromVersion`), and
 * the text of decoded namespace/name values. Request pairing (§9.3) is the library's incremental
 * `createTrackTableBuilder`, fed by the streaming worker.
 */
import { messageAsMap } from '@x/moqtrace';
import { controlMessageName, draftFromProtocol, draftFromVersion } from '@x/moqtrace/analysis';

/** Draft from `protocol` (library). */
export function draftOf(protocol: string): number | null {
  return draftFromProtocol(protocol) ?? null;
}

/** Draft from a SETUP/server_setup selected version 0xff0000NN (library). */
export function draftFromSetup(message: unknown): number | null {
  const m = messageAsMap(message);
  return draftFromVersion(m?.selected_version ?? m?.selectedVersion) ?? null;
}

/** §9.1 naming, from the library. */
export function controlName(message: unknown, messageType: number | bigint, draft: number | null): string {
  return controlMessageName({ message, messageType }, draft ?? undefined);
}

/** Display text of a decoded value: text as is, bytes as UTF-8, arrays (namespaces) joined with `/`. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(textOf).join('/');
  if (value === undefined || value === null) return '';
  return String(value);
}
