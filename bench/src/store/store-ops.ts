import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The store commands a bench child process sent (counted by command-monitor.cjs, preloaded into every child), sorted
// into the operation classes the store-ceiling phase measures, and the limit those imply for one unit of work.

export interface CommandCount {
  n: number;
  docs: number;
  ms: number;
}
export type CommandCounts = Record<string, CommandCount>;

/** The store's own rates at the bench's concurrency (store-phase.ts), per second. */
export interface StoreRates {
  casPerSec: number;
  idReadPerSec: number;
  insertOnePerSec: number;
  insertManyDocsPerSec: number;
}

export interface OpsPerUnit {
  /** Compare-and-sets and other single-document writes (findAndModify, one-statement update/delete). */
  cas: number;
  /** Reads by `_id`. */
  idReads: number;
  /** Reads by any other filter (counts, aggregates, cursors): scans on FerretDB, priced here as `_id` reads (optimistic). */
  scans: number;
  insertOne: number;
  /** Documents written by grouped writes (insertMany, multi-statement updates), and those commands. */
  groupedDocs: number;
  groupedCommands: number;
  /** Store round trips in all. */
  total: number;
}

export interface ImpliedLimit {
  opsPerUnit: OpsPerUnit;
  /** Units per second the store allows if it did nothing else (its operations priced at their measured rates). */
  perSec: number | null;
}

export const monitorPreload = join(__dirname, 'command-monitor.cjs');

/** Where a child process named `name` writes its counts (one file per process name and bench run). */
export function storeOpsFile(name: string, runId: string = String(process.pid)): string {
  return join(tmpdir(), `bench-store-ops-${runId}-${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
}

export function readStoreOps(name: string): CommandCounts | null {
  const file = storeOpsFile(name);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as CommandCounts;
}

/** Sorts one process's commands into classes, per unit of work (sends, refreshes, messages). */
export function opsPerUnit(counts: CommandCounts, units: number): OpsPerUnit {
  const o: OpsPerUnit = { cas: 0, idReads: 0, scans: 0, insertOne: 0, groupedDocs: 0, groupedCommands: 0, total: 0 };
  for (const [key, c] of Object.entries(counts)) {
    const command = /\.(\w+)(?: |$)/.exec(key)?.[1] ?? '';
    o.total += c.n;
    if (command === 'insert' && key.endsWith(' one')) o.insertOne += c.n;
    else if (command === 'insert' || ((command === 'update' || command === 'delete') && c.docs > c.n)) {
      o.groupedDocs += c.docs;
      o.groupedCommands += c.n;
    } else if (command === 'findAndModify' || command === 'update' || command === 'delete') o.cas += c.n;
    else if (command === 'find' && /\{(?:[^}]*,)?_id(?:,[^}]*)?\}/.test(key)) o.idReads += c.n;
    else o.scans += c.n;
  }
  const per = (x: number) => (units > 0 ? x / units : 0);
  return {
    cas: per(o.cas),
    idReads: per(o.idReads),
    scans: per(o.scans),
    insertOne: per(o.insertOne),
    groupedDocs: per(o.groupedDocs),
    groupedCommands: per(o.groupedCommands),
    total: per(o.total),
  };
}

/** The store's time for one unit is the sum of its operations' shares of a second (a store that serves one class at a time). */
export function impliedLimit(ops: OpsPerUnit, rates: StoreRates): number | null {
  const seconds =
    ops.cas / rates.casPerSec +
    (ops.idReads + ops.scans) / rates.idReadPerSec +
    ops.insertOne / rates.insertOnePerSec +
    ops.groupedDocs / rates.insertManyDocsPerSec;
  return seconds > 0 && Number.isFinite(seconds) ? 1 / seconds : null;
}
