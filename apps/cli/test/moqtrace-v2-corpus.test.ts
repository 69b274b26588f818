import { corpus } from './helpers.js';
import { defineMoqtraceCorpusSuite } from './moqtrace-corpus-suite.js';

defineMoqtraceCorpusSuite('v2', corpus('moqtrace-v2'));
