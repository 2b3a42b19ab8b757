import { clusterSafePrefix, createRedis } from '@outlook-connect/queues';
import { closeStore, connectStore, createModels, createSecretBox, tokenContext } from '@outlook-connect/shared';
import { Worker } from 'bullmq';
import { BASELINE_SEND_QUEUE, type BaselineSendJob } from './baseline-job';

// The bare baseline worker process: access tokens read once at start, then each job is one POST /me/sendMail with
// the same message shape our send handler posts. No Send record, no gate, no events, no retries of our own.

const MARKER_PROPERTY_ID = 'String {7d1f3b52-9c4e-4a8b-b6f0-3e2a91c5d847} Name x-oc-send-id';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function main(): Promise<void> {
  const store = await connectStore({ url: need('MONGO_URL') });
  const models = await createModels(store);
  const box = createSecretBox(need('SECRETS_KEYS'));
  const tokens = new Map<string, string>();
  const conns = await models.Connection.find(
    { workspaceId: need('BENCH_WORKSPACE_ID'), scopePreset: 'send_only' },
    { _id: 1, accessTokenEnc: 1 },
  ).lean();
  for (const c of conns)
    if (c.accessTokenEnc) tokens.set(c._id, box.decrypt(c.accessTokenEnc, tokenContext(c._id, 'accessToken')));
  await closeStore(store);

  const url = `${need('MICROSOFT_GRAPH_URL')}/me/sendMail`;
  const worker = new Worker<BaselineSendJob>(
    BASELINE_SEND_QUEUE,
    async (job) => {
      const { connectionId, marker, to, subject, content } = job.data;
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.get(connectionId) ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          message: {
            subject,
            body: { contentType: 'Text', content },
            toRecipients: [{ emailAddress: { address: to } }],
            ccRecipients: [],
            bccRecipients: [],
            singleValueExtendedProperties: [{ id: MARKER_PROPERTY_ID, value: marker }],
          },
          saveToSentItems: true,
        }),
      });
      if (res.status !== 202) throw new Error(`sendMail answered ${res.status}`);
    },
    {
      connection: createRedis(need('REDIS_URL'), 'worker'),
      prefix: clusterSafePrefix(need('QUEUE_PREFIX')),
      concurrency: Number(need('BENCH_CONCURRENCY')),
    },
  );
  const stop = () => void worker.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bare send worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
