import { randomBytes } from 'node:crypto';
import { createAttachmentClient, createSendClient } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { pollUntil, progress } from '../lib/progress';
import { ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs, workersMain } from '../setup/child-process';

// Large attachments: sends of one file each (10 MB by default) uploaded to the store, named by id, put on the draft
// through an Outlook upload session by the workers' real send pipeline. Baseline: a bare loop doing the same Graph
// work per file (draft, createUploadSession, the PUTs, send) with nothing else around it. Figure: MB/s of files sent.

export interface AttachmentPhaseResult {
  sends: number;
  fileBytes: number;
  sent: number;
  oursMBPerSec: number | null;
  /** Of ours: the uploads into the store alone (write + hash), MB/s; the rest is the send pipeline and Graph. */
  storeUploadMBPerSec: number | null;
  baselineMBPerSec: number | null;
  ratio: number | null;
}

const RANGE = 12 * 320 * 1024;
const MB = 1024 * 1024;

async function bareLoop(env: BenchEnv, connectionId: string, files: Buffer[]): Promise<number> {
  const client = env.clients.deps.graph(connectionId);
  const t = Date.now();
  for (const [i, bytes] of files.entries()) {
    const draft = (await client
      .api('/me/messages')
      .post({ subject: `Bare ${i}`, toRecipients: [{ emailAddress: { address: `lead-${i}@example.com` } }] })) as {
      id: string;
    };
    const session = (await client
      .api(`/me/messages/${draft.id}/attachments/createUploadSession`)
      .post({ AttachmentItem: { attachmentType: 'file', name: 'file.bin', size: bytes.length } })) as {
      uploadUrl: string;
    };
    for (let at = 0; at < bytes.length; at += RANGE) {
      const end = Math.min(at + RANGE, bytes.length);
      const res = await fetch(session.uploadUrl, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${at}-${end - 1}/${bytes.length}`,
        },
        body: bytes.subarray(at, end),
      });
      await res.arrayBuffer();
      if (res.status !== 200 && res.status !== 201) throw new Error(`bare upload: HTTP ${res.status}`);
    }
    await client.api(`/me/messages/${draft.id}/send`).post(null);
  }
  return Date.now() - t;
}

export async function runAttachmentPhase(
  env: BenchEnv,
  mailbox: { connection: ConnectionDoc; email: string },
  opts: { sends: number; fileMB: number; timeoutMs: number },
): Promise<AttachmentPhaseResult> {
  const { models, queues } = env.clients.deps;
  const fileBytes = Math.round(opts.fileMB * MB);
  const files = Array.from({ length: opts.sends }, () => randomBytes(fileBytes));
  const uploads = createAttachmentClient({ models });
  const sends = createSendClient({ models, queues });
  const worker = spawnTs(
    'send worker (attachments)',
    workersMain,
    { ...env.childEnv, WORKER_QUEUES: 'send', WORKER_CONCURRENCY: '4' },
    env.rss,
  );
  const ids: string[] = [];
  let oursMs: number | null = null;
  let storeMs = 0;
  try {
    await pollUntil(async () => (await queues.queue('send').getWorkersCount()) > 0, opts.timeoutMs, 100);
    progress(`attachments: ${opts.sends} sends of ${opts.fileMB} MB through our pipeline`);
    const t = Date.now();
    for (const [i, bytes] of files.entries()) {
      const u = Date.now();
      const file = await uploads.uploadAttachment({
        workspaceId: env.workspaceId,
        connectionId: mailbox.connection._id,
        name: `file-${i}.bin`,
        content: bytes,
      });
      storeMs += Date.now() - u;
      const { send } = await sends.enqueueSend({
        workspaceId: env.workspaceId,
        connectionId: mailbox.connection._id,
        idempotencyKey: `att-bench-${t}-${i}`,
        source: 'sequence',
        message: {
          to: [`lead-${i}@example.com`],
          subject: `Attachment ${i}`,
          body: { contentType: 'text', content: 'Attached' },
          attachments: [{ attachmentId: file._id }],
        },
      });
      ids.push(send._id);
    }
    const done = await pollUntil(
      async () =>
        (await models.Send.countDocuments({ _id: { $in: ids }, status: { $in: ['sent', 'failed'] } })) === ids.length,
      opts.timeoutMs,
      200,
    );
    if (done) {
      const last = await models.Send.findOne({ _id: { $in: ids } }, { sentAt: 1 })
        .sort({ sentAt: -1 })
        .lean();
      oursMs = (last?.sentAt?.getTime() ?? Date.now()) - t;
    }
  } finally {
    await worker.stop();
  }
  const sent = await models.Send.countDocuments({ _id: { $in: ids }, status: 'sent' });
  const total = (opts.sends * fileBytes) / MB;
  const ours = oursMs ? (sent * fileBytes) / MB / (oursMs / 1000) : null;
  progress(
    `attachments: ours ${sent}/${opts.sends} sent at ${ours?.toFixed(1)} MB/s (store uploads alone ${storeMs ? (total / (storeMs / 1000)).toFixed(1) : '?'} MB/s); bare upload loop`,
  );
  const bareMs = await bareLoop(env, mailbox.connection._id, files);
  const baseline = total / (bareMs / 1000);
  progress(`attachments: bare loop ${baseline.toFixed(1)} MB/s`);
  const storeRate = storeMs > 0 ? total / (storeMs / 1000) : null;
  return {
    sends: opts.sends,
    fileBytes,
    sent,
    oursMBPerSec: ours,
    storeUploadMBPerSec: storeRate,
    baselineMBPerSec: baseline,
    ratio: ratio(ours, baseline),
  };
}
