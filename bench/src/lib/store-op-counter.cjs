/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, run with --require */
// Preloaded (NODE_OPTIONS=--require) into our worker processes when BENCH_COUNT_STORE_OPS=1: counts the store round trips
// the driver makes, by collection, operation and filter keys, with their total and mean time, and prints them to
// stderr when the process exits. Index builds at start are left out.
const fs = require('node:fs');
const { Collection } = require('mongodb');

const stats = new Map();
// Not find/aggregate: findOne opens a find cursor itself, which would count it twice.
const METHODS = [
  'findOne',
  'findOneAndUpdate',
  'updateOne',
  'updateMany',
  'insertOne',
  'insertMany',
  'deleteOne',
  'deleteMany',
  'countDocuments',
  'bulkWrite',
];
for (const method of METHODS) {
  const original = Collection.prototype[method];
  Collection.prototype[method] = function counted(filter, ...rest) {
    const keys =
      method.startsWith('insert') || !filter || typeof filter !== 'object' || Array.isArray(filter)
        ? ''
        : ` {${Object.keys(filter).sort().join(',')}}`;
    const key = `${this.collectionName}.${method}${keys}`;
    const started = process.hrtime.bigint();
    const record = () => {
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n += 1;
      s.ms += Number(process.hrtime.bigint() - started) / 1e6;
      stats.set(key, s);
    };
    const result = original.call(this, filter, ...rest);
    if (result && typeof result.then === 'function') result.then(record, record);
    else record();
    return result;
  };
}
// The bench's inbox phase clears the counts once the worker's warm-up is done (its window's commands only).
if (process.env.BENCH_STORE_OPS_RESET_SIGNAL) process.on(process.env.BENCH_STORE_OPS_RESET_SIGNAL, () => stats.clear());
process.on('exit', () => {
  const lines = [...stats.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, s]) => `  ${String(s.n).padStart(7)}  ${(s.ms / s.n).toFixed(1).padStart(8)} ms avg  ${k}`);
  fs.writeSync(2, `store ops of the worker (pid ${process.pid}):\n${lines.join('\n')}\n`);
});
