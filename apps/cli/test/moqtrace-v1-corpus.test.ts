import { corpus } from './helpers.js';
import { defineMoqtraceCorpusSuite } from './moqtrace-corpus-suite.js';

defineMoqtraceCorpusSuite('v1', corpus('moqtrace'));
