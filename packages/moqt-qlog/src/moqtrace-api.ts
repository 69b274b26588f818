/**
 * Every value imported from `@x/moqtrace` goes through this module, so that a rename there is a change here
 * only. The event model (types) is imported directly where used; nothing of moqtrace's reading or writing API
 * is called by this package (it maps events, callers read and write `.moqtrace` files).
 *
 * @module
 * @internal
 */
export { EVENT_FIELDS, EVENT_TYPE_IDS, MoqtraceError, messageAsMap } from '@x/moqtrace';
export { draftFromProtocol, draftFromVersion, messageTypeId, messageTypeName } from '@x/moqtrace/analysis';
export { fromTaggedJson, renderEventJson, toTaggedJson } from '@x/moqtrace/ndjson';
