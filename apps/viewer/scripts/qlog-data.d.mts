import type { TraceEvent, TraceHeader } from '@x/moqtrace';

export declare function exportedDemo(format?: 'json-seq' | 'contained'): {
  header: TraceHeader;
  events: TraceEvent[];
  bytes: Uint8Array;
  qlog: Uint8Array;
};
export declare function moxygenMlog(): Uint8Array;
export declare function moqRsMlog(): Uint8Array;
