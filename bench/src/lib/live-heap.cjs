/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, run with --require */
// Preloaded (NODE_OPTIONS=--require) into the send worker of the RSS run, with BENCH_LIVE_HEAP_FILE set: on SIGUSR2 it
// runs a full GC and appends one JSON line to that file, {heapUsed, rss} in bytes: the reachable JS heap, and the
// resident set just after. Unlike a heap snapshot, it allocates next to nothing outside the JS heap, so it does not
// itself grow the RSS it is there to explain (a snapshot of a 70 MB heap left ~130 MB in glibc's heap).
const fs = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');

const file = process.env.BENCH_LIVE_HEAP_FILE;
if (file) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    const m = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss })}\n`);
  });
}
