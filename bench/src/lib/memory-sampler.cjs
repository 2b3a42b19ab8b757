/* global require, process, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, run with --require */
// Preloaded (NODE_OPTIONS=--require) into a bench child when BENCH_MEMORY_LOG=<dir>: every 2 s it appends one JSON
// line to <dir>/<pid>.jsonl with process.memoryUsage() (rss, heapTotal, heapUsed, external, arrayBuffers), V8's
// heap spaces (committed size) and the Rss/Anonymous of /proc/self/smaps_rollup, so growth can be told apart: JS
// heap, Buffers, or native memory (malloc) outside both.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const dir = process.env.BENCH_MEMORY_LOG;
if (dir) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const mb = (b) => Math.round((b / 1048576) * 10) / 10;
  const rollup = () => {
    try {
      const text = fs.readFileSync('/proc/self/smaps_rollup', 'utf8');
      const out = {};
      for (const key of ['Rss', 'Anonymous', 'Private_Dirty', 'Shared_Clean']) {
        const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
        if (m) out[key] = Math.round(Number(m[1]) / 102.4) / 10;
      }
      return out;
    } catch {
      return {};
    }
  };
  fs.appendFileSync(file, `${JSON.stringify({ argv: process.argv.slice(1), execArgv: process.execArgv })}\n`);
  const t0 = Date.now();
  const cpuSec = () => {
    const c = process.cpuUsage();
    return Math.round((c.user + c.system) / 1e5) / 10;
  };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name.replace('_space', '')] = mb(s.space_size);
    const line = {
      s: Math.round((Date.now() - t0) / 1000),
      rss: mb(m.rss),
      heapTotal: mb(m.heapTotal),
      heapUsed: mb(m.heapUsed),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      spaces,
      smaps: rollup(),
      cpuSec: cpuSec(),
    };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 2_000);
  timer.unref();
  // The CPU time the whole process used (every thread), when it stops.
  process.once('exit', () => {
    fs.appendFileSync(file, `${JSON.stringify({ exit: true, cpuSec: cpuSec() })}\n`);
  });
}
