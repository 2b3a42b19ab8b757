import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { runCommand, startProcess, type Started } from './child';
import { localDir } from './paths';
import { freePort, waitFor } from './probe';
import { waitUntilReady } from './services';
import { which } from './which';

// A local Redis Cluster of three masters (no replicas) for `REDIS_CLUSTER=1`, or an existing one named by
// REDIS_CLUSTER_NODES. Its data lives under .local/ and goes when the stack stops.

export interface ClusterEndpoint {
  /** One node (what REDIS_URL points at: a seed node whose user, password and TLS apply to all). */
  url: string;
  /** host:port of every seed node, comma-separated (REDIS_CLUSTER_NODES). */
  nodes: string;
  source: string;
  /** Where a cluster the stack started keeps its nodes' files (removed by stop). */
  dataDir?: string;
  stop(): Promise<void>;
}

/** Sends one command and resolves with the raw reply (enough for CLUSTER INFO and PING); null when nothing answers. */
function rawReply(
  host: string,
  port: number,
  command: string,
  until: RegExp,
  timeoutMs = 1000,
): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let buf = '';
    const done = (v: string | null) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(buf || null));
    socket.once('error', () => done(null));
    socket.connect(port, host, () => socket.write(`${command}\r\n`));
    socket.on('data', (d) => {
      buf += String(d);
      if (until.test(buf)) done(buf);
    });
  });
}

export function parseClusterNodes(spec: string): Array<{ host: string; port: number }> {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([^:\s]+):(\d{1,5})$/.exec(s);
      if (!m) throw new Error(`REDIS_CLUSTER_NODES: "${s}" is not host:port`);
      return { host: m[1]!, port: Number(m[2]) };
    });
}

/** True when the node answers CLUSTER INFO with cluster_state:ok (every slot served). */
export async function clusterStateOk(host: string, port: number): Promise<boolean> {
  const reply = await rawReply(host, port, 'CLUSTER INFO', /cluster_state:\w+/);
  return /cluster_state:ok/.test(reply ?? '');
}

export async function ensureRedisCluster(
  given: string | undefined,
  opts: { log?: (msg: string) => void } = {},
): Promise<ClusterEndpoint> {
  const log = opts.log ?? (() => undefined);
  if (given) {
    const nodes = parseClusterNodes(given);
    for (const n of nodes) {
      if (await clusterStateOk(n.host, n.port)) {
        return {
          url: `redis://${n.host}:${n.port}`,
          nodes: nodes.map((x) => `${x.host}:${x.port}`).join(','),
          source: 'REDIS_CLUSTER_NODES',
          stop: async () => undefined,
        };
      }
    }
    throw new Error(`REDIS_CLUSTER_NODES=${given}: no node answers with cluster_state:ok`);
  }
  const server = which('redis-server');
  const cli = which('redis-cli');
  if (!server || !cli) {
    throw new Error(
      'REDIS_CLUSTER=1 needs `redis-server` and `redis-cli` on PATH (Redis 7: apt-get install redis-server), ' +
        'or REDIS_CLUSTER_NODES=host:port,... naming a running cluster.',
    );
  }
  mkdirSync(localDir, { recursive: true });
  const root = mkdtempSync(join(localDir, 'redis-cluster-'));
  const started: Started[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The bus port is given too: port + 10000 (the default) can be past 65535 for an ephemeral port.
      const [port, bus] = [await freePort(), await freePort()];
      const dir = join(root, String(port));
      mkdirSync(dir, { recursive: true });
      const s = startProcess(
        `redis-cluster-${port}`,
        server,
        [
          ...['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir],
          ...['--appendonly', 'no', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
        ],
        join(localDir, 'logs', `redis-cluster-${i + 1}.log`),
      );
      started.push(s);
      ports.push(port);
      const ping = () => rawReply('127.0.0.1', port, 'PING', /PONG/).then((r) => r !== null && r.includes('PONG'));
      await waitUntilReady(s, ping, 10_000, `redis-server (cluster node) on port ${port}`);
    }
    await runCommand('redis-cli --cluster create', cli, [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const allOk = async () => (await Promise.all(ports.map((p) => clusterStateOk('127.0.0.1', p)))).every(Boolean);
    await waitFor(allOk, 20_000, 'the Redis Cluster (cluster_state:ok on every node)');
    const nodes = ports.map((p) => `127.0.0.1:${p}`).join(',');
    log(`started a 3-master Redis Cluster at ${nodes} (data ${root})`);
    return { url: `redis://127.0.0.1:${ports[0]}`, nodes, source: 'redis-cluster', dataDir: root, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
