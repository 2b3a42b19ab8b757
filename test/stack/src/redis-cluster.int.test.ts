import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { clusterStateOk, ensureRedisCluster, parseClusterNodes } from './redis-cluster';
import { pingRedis } from './probe';

/** CLUSTER INFO over a raw socket: the stack package needs no Redis client. */
function clusterInfo(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buf = '';
    socket.once('error', reject);
    socket.connect(port, host, () => socket.write('CLUSTER INFO\r\n'));
    socket.on('data', (d) => {
      buf += String(d);
      if (/cluster_size:\d+/.test(buf)) {
        socket.destroy();
        resolve(buf);
      }
    });
  });
}

describe('a local Redis Cluster (REDIS_CLUSTER=1)', () => {
  it('starts three masters serving every slot, reuses them by REDIS_CLUSTER_NODES, and leaves nothing behind', async () => {
    const cluster = await ensureRedisCluster(undefined);
    const nodes = parseClusterNodes(cluster.nodes);
    try {
      expect(cluster.source).toBe('redis-cluster');
      expect(nodes).toHaveLength(3);
      expect(cluster.url).toBe(`redis://${nodes[0]!.host}:${nodes[0]!.port}`);
      for (const n of nodes) {
        const info = await clusterInfo(n.host, n.port);
        expect(info).toMatch(/cluster_state:ok/);
        expect(info).toMatch(/cluster_slots_assigned:16384/);
        expect(info).toMatch(/cluster_size:3/);
      }
      const again = await ensureRedisCluster(cluster.nodes);
      expect(again).toMatchObject({ source: 'REDIS_CLUSTER_NODES', nodes: cluster.nodes });
      await again.stop(); // not ours: leaves the cluster running
      expect(await clusterStateOk(nodes[1]!.host, nodes[1]!.port)).toBe(true);
      expect(existsSync(cluster.dataDir!)).toBe(true);
    } finally {
      await cluster.stop();
    }
    for (const n of nodes) expect(await pingRedis(`redis://${n.host}:${n.port}`)).toBe(false);
    expect(existsSync(cluster.dataDir!)).toBe(false);
  });

  it('refuses REDIS_CLUSTER_NODES that name no running cluster, and a node that is not host:port', async () => {
    await expect(ensureRedisCluster('127.0.0.1:1')).rejects.toThrow(/no node answers with cluster_state:ok/);
    expect(() => parseClusterNodes('127.0.0.1:7000,nope')).toThrow(/"nope" is not host:port/);
  });
});
