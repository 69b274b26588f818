import type { TraceEvent, TraceHeader } from '@x/moqtrace';
import type { MessageInput, WriteSeaStreamerOptions } from '@x/seastreamer-file';

export declare const DEMO_START: number;
export declare function rng(seed: number): () => number;
export declare function makeTraceDemo(options?: { groups?: number; objectsPerGroup?: number }): {
  header: TraceHeader;
  events: TraceEvent[];
  bytes: Uint8Array;
};
export declare function makeSsDemo(options?: { ticks?: number }): {
  messages: (MessageInput & { shardId: bigint; seqNo: bigint; timestamp: bigint })[];
  options: WriteSeaStreamerOptions;
  bytes: Uint8Array;
};
