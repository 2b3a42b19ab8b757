import os from 'node:os';
import type { Connection } from 'mongoose';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended (other work on the machine shows here). */
  loadAvgStart: number;
  loadAvgEnd: number | null;
  store: { kind: string; version: string | null; source: string };
  redis: { version: string | null; private: boolean; source: string };
}

export async function machineInfo(store: Connection, redisVersion: string | null): Promise<MachineInfo> {
  const info = (await store.db!.admin().buildInfo()) as {
    version?: string;
    ferretdbVersion?: string;
    ferretdb?: { version?: string };
  };
  const ferret = info.ferretdbVersion ?? info.ferretdb?.version;
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAvgStart: os.loadavg()[0]!,
    loadAvgEnd: null,
    store: {
      kind: ferret ? 'FerretDB' : 'MongoDB',
      version:
        ferret && ferret !== 'unknown'
          ? ferret
          : ferret
            ? `(speaks MongoDB ${info.version ?? '?'})`
            : (info.version ?? null),
      source: process.env.OC_STACK_STORE_SOURCE ?? 'MONGO_URL',
    },
    redis: {
      version: redisVersion,
      private: isPrivateRedis(),
      source: process.env.OC_STACK_REDIS_SOURCE ?? 'REDIS_URL',
    },
  };
}

/** The stack started a redis-server for this run (REDIS_URL was unset): nothing else uses it. */
export const isPrivateRedis = (): boolean => process.env.OC_STACK_REDIS_SOURCE === 'redis-server';
