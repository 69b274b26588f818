/**
 * Names and URIs of the qlog formats this package reads and writes.
 *
 * @module
 */

/** `file_schema` of a contained qlog file (`.qlog`). */
export const CONTAINED_FILE_SCHEMA = 'urn:ietf:params:qlog:file:contained';
/** `file_schema` of a JSON-SEQ qlog file (`.sqlog`). */
export const SEQUENTIAL_FILE_SCHEMA = 'urn:ietf:params:qlog:file:sequential';
/** `serialization_format` of a contained qlog file. */
export const CONTAINED_MEDIA_TYPE = 'application/qlog+json';
/** `serialization_format` of a JSON-SEQ qlog file. */
export const SEQUENTIAL_MEDIA_TYPE = 'application/qlog+json-seq';
/** Event schema URI of the `loglevel` namespace. */
export const LOGLEVEL_SCHEMA = 'urn:ietf:params:qlog:events:loglevel';
/** Event schema URI of this project's private `moqtrace` namespace (documented with its CDDL). */
export const MOQTRACE_SCHEMA = 'urn:x-moqtrace:qlog-events:1';

/** Revisions of draft-pardue-moq-qlog-moq-events the exporter can write. */
export type MoqtDraftShape = 6 | 7;

/** Event schema URI of a revision of the MoQT qlog event draft (`urn:ietf:params:qlog:events:moqt-07`). */
export function moqtSchemaUri(revision: MoqtDraftShape): string {
  return `urn:ietf:params:qlog:events:moqt-0${revision}`;
}

/** The record separator of JSON-SEQ (RFC 7464). */
export const RS = 0x1e;
/** Line feed. */
export const LF = 0x0a;
