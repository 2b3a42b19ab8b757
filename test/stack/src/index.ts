export { ensureStack, type Stack } from './stack';
export { ensureRedis, ensureStore, type Endpoint, type ServiceOptions } from './services';
export { ensureRedisCluster, type ClusterEndpoint } from './redis-cluster';
export { testIsolation, type TestIsolation } from './testing';
export { freePort, pingMongo, pingRedis, waitFor } from './probe';
export { ensureFerretDbBinary } from './ferretdb-build';
export { repoRoot, localDir, devCaDir } from './paths';
export { serviceNodeArgs, serviceNodeFlags } from './service-args';
export {
  connectMailbox,
  ConnectMailboxError,
  seedOAuthApp,
  type ConnectMailboxInput,
  type FixtureEmulator,
  type SeedOAuthAppInput,
  type SeededOAuthApp,
} from './fixtures';
export { startHttpsFront, type HttpsFront } from './https-front';
