/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, run with --require */
// Preloaded (NODE_OPTIONS=--require) into every bench child process: turns on the MongoDB driver's command monitoring
// on each client it connects and counts the commands the process sends to the store, by collection, command and filter
// keys (documents too, for inserts), with their total time. Written as JSON to BENCH_STORE_OPS_FILE when the process
// exits; BENCH_COUNT_STORE_OPS=1 also prints them. Handshakes, index builds and other housekeeping are left out.
const fs = require('node:fs');
const { MongoClient } = require('mongodb');

const OUT = process.env.BENCH_STORE_OPS_FILE;
const COUNTED = new Set(['find', 'findAndModify', 'update', 'insert', 'delete', 'aggregate', 'count', 'getMore']);
const stats = new Map();
const started = new Map();

const keysOf = (filter) =>
  filter && typeof filter === 'object' && !Array.isArray(filter) ? Object.keys(filter).sort().join(',') : '';

function describe(e) {
  const c = e.command;
  const collection = c[e.commandName];
  if (e.commandName === 'find' || e.commandName === 'findAndModify' || e.commandName === 'count')
    return { key: `${collection}.${e.commandName} {${keysOf(c.query ?? c.filter)}}`, docs: 1 };
  if (e.commandName === 'update' || e.commandName === 'delete') {
    const statements = c.updates ?? c.deletes ?? [];
    return { key: `${collection}.${e.commandName} {${keysOf(statements[0]?.q)}}`, docs: statements.length };
  }
  if (e.commandName === 'insert') {
    const n = (c.documents ?? []).length;
    return { key: `${collection}.insert ${n > 1 ? 'many' : 'one'}`, docs: n };
  }
  return { key: `${typeof collection === 'string' ? collection : '?'}.${e.commandName}`, docs: 1 };
}

const connect = MongoClient.prototype.connect;
MongoClient.prototype.connect = function monitored(...args) {
  if (!this.__benchMonitored) {
    this.__benchMonitored = true;
    this.monitorCommands = true;
    this.on('commandStarted', (e) => {
      if (!COUNTED.has(e.commandName)) return;
      started.set(e.requestId, { ...describe(e), at: process.hrtime.bigint() });
    });
    const done = (e) => {
      const s = started.get(e.requestId);
      if (!s) return;
      started.delete(e.requestId);
      const entry = stats.get(s.key) ?? { n: 0, docs: 0, ms: 0 };
      entry.n += 1;
      entry.docs += s.docs;
      entry.ms += Number(process.hrtime.bigint() - s.at) / 1e6;
      stats.set(s.key, entry);
    };
    this.on('commandSucceeded', done);
    this.on('commandFailed', done);
  }
  return connect.apply(this, args);
};

// The bench's inbox phase clears the counts once the worker's warm-up is done (its window's commands only).
if (process.env.BENCH_STORE_OPS_RESET_SIGNAL) process.on(process.env.BENCH_STORE_OPS_RESET_SIGNAL, () => stats.clear());
process.on('exit', () => {
  const all = Object.fromEntries(stats);
  if (OUT) fs.writeFileSync(OUT, JSON.stringify(all));
  if (process.env.BENCH_COUNT_STORE_OPS === '1') {
    const lines = [...stats.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, s]) => `  ${String(s.n).padStart(7)}  ${(s.ms / s.n).toFixed(1).padStart(8)} ms avg  ${k}`);
    fs.writeSync(2, `store commands of pid ${process.pid}:\n${lines.join('\n')}\n`);
  }
});
