// READ FIRST: project conventions for implementing this package are in /tmp/common-brief.md
// (also /work/tmp-brief/COMMON-CONVENTIONS.md). Replace this file with the real public API.
export {};
