import { readFileSync } from 'node:fs';
import {
  clientSecretContext,
  closeStore,
  connectStore,
  createModels,
  createSecretBox,
  refreshWithToken,
  scopesForPreset,
  tokenContext,
} from '@outlook-connect/shared';

// The bare refresh baseline, a process of its own: refresh tokens decrypted up front, then one MSAL refresh grant per
// connection, BENCH_CONCURRENCY at a time. No lock, no compare-and-set, no re-encryption, no job. Prints JSON. The
// connections of BENCH_WARMUP_IDS_FILE (if any) are refreshed the same way first, uncounted, as our worker's are.

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function main(): Promise<void> {
  const ids = JSON.parse(readFileSync(need('BENCH_IDS_FILE'), 'utf8')) as string[];
  const warmupFile = process.env.BENCH_WARMUP_IDS_FILE;
  const warmupIds = warmupFile ? (JSON.parse(readFileSync(warmupFile, 'utf8')) as string[]) : [];
  const store = await connectStore({ url: need('MONGO_URL') });
  const models = await createModels(store);
  const box = createSecretBox(need('SECRETS_KEYS'));
  const conns = await models.Connection.find({ _id: { $in: [...warmupIds, ...ids] } }).lean();
  const app = await models.OAuthApp.findById(conns[0]?.appId).lean();
  if (!app) throw new Error('no OAuth app for the connections');
  const clientSecret = box.decrypt(app.clientSecretEnc, clientSecretContext(app._id));
  const warm = new Set(warmupIds);
  const workOf = (list: typeof conns) =>
    list.map((c) => ({
      // The account's own tenant, as our worker asks (refresh-connection.ts): the same token request on both sides.
      tenant: c.tenantId,
      refreshToken: box.decrypt(c.refreshTokenEnc ?? '', tokenContext(c._id, 'refreshToken')),
    }));
  const warmup = workOf(conns.filter((c) => warm.has(c._id)));
  const work = workOf(conns.filter((c) => !warm.has(c._id)));
  await closeStore(store);

  const scopes = scopesForPreset('full');
  const concurrency = Number(need('BENCH_CONCURRENCY'));
  // Its own CPU between its first and last refresh done (process.cpuUsage, user + system): the bench's sampler reads
  // the other processes, but this one exits just after its last refresh.
  const cpuMicros = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const refreshAll = async (list: typeof work) => {
    const done: number[] = [];
    let cpuFirst: number | null = null;
    let cpuLast: number | null = null;
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < list.length) {
          const w = list[next++]!;
          try {
            await refreshWithToken(
              { loginUrl: need('MICROSOFT_LOGIN_URL'), tenant: w.tenant, clientId: app.clientId, clientSecret },
              { refreshToken: w.refreshToken, scopes },
            );
            done.push(Date.now());
            cpuLast = cpuMicros();
            cpuFirst ??= cpuLast;
          } catch {
            failed++;
          }
        }
      }),
    );
    return { done, failed, cpuMs: cpuFirst === null || cpuLast === null ? null : (cpuLast - cpuFirst) / 1000 };
  };
  const warmed = await refreshAll(warmup);
  const { done, failed, cpuMs } = await refreshAll(work);
  process.stdout.write(`${JSON.stringify({ done, failed, cpuMs, warmupFailed: warmed.failed })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bare refresher failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
