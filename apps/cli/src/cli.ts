console.error('xtrace: not built yet');
process.exitCode = 2;

export {};
