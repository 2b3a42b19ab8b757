import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph } from '@outlook-connect/mailbox-runtime';
import { MicrosoftHttpError } from '@outlook-connect/shared';

// Uploaded files onto a draft ("Attach large files to Outlook messages or events"): under 3 MB one POST to the
// draft's attachments, from 3 MB an upload session whose byte ranges go, in order, to its pre-authenticated
// uploadUrl (no Authorization header). Idempotent per draft: files already on it (name and size) are skipped.

/** Under this, one POST; from it, an upload session (Graph's 3 MB, read as 3 MiB like the emulator). */
export const INLINE_LIMIT_BYTES = 3 * 1024 * 1024;
/** Bytes per PUT: a multiple of 320 KiB under 4 MB (12 x 320 KiB = 3,932,160). */
export const RANGE_BYTES = 12 * 320 * 1024;
/** A throttled range waits for Retry-After this many times, up to this long each, before the attempt gives up. */
const MAX_THROTTLE_WAITS = 3;
const MAX_THROTTLE_WAIT_MS = 30_000;

export interface FileToAttach {
  name: string;
  contentType: string;
  size: number;
  bytes: () => Promise<Buffer>;
}

export interface Range {
  start: number;
  end: number;
}

/** The byte ranges of a file of `size` bytes, in order, each RANGE_BYTES but the last. Pure. */
export function uploadRanges(size: number, rangeBytes = RANGE_BYTES): Range[] {
  const ranges: Range[] = [];
  for (let start = 0; start < size; start += rangeBytes)
    ranges.push({ start, end: Math.min(start + rangeBytes, size) - 1 });
  return ranges;
}

/** Which files still have to go onto the draft, given the attachments it already has (each match used once). Pure. */
export function missingFiles<F extends { name: string; size: number }>(
  files: F[],
  present: Array<{ name: string; size: number }>,
): F[] {
  const left = [...present];
  return files.filter((f) => {
    const i = left.findIndex((p) => p.name === f.name && p.size === f.size);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

const enc = encodeURIComponent;

async function errorOf(res: Response): Promise<MicrosoftHttpError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  return new MicrosoftHttpError({
    status: res.status,
    ...(body?.error?.code ? { code: body.error.code } : {}),
    ...(res.headers.get('retry-after') ? { retryAfter: res.headers.get('retry-after') as string } : {}),
    message: `upload session answered HTTP ${res.status}${body?.error?.message ? `: ${body.error.message}` : ''}`,
  });
}

/** PUTs the ranges in order; a 429 waits for Retry-After (bounded) and sends the same range again. */
async function uploadBytes(uploadUrl: string, bytes: Buffer, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (const r of uploadRanges(bytes.length)) {
    for (let waits = 0; ; waits += 1) {
      const res = await fetch(uploadUrl, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${r.start}-${r.end}/${bytes.length}`,
        },
        body: bytes.subarray(r.start, r.end + 1),
      });
      if (res.status === 200 || res.status === 201) {
        await res.arrayBuffer();
        break;
      }
      const err = await errorOf(res);
      const waitMs = Number(err.retryAfter ?? '1') * 1000;
      if (res.status !== 429 || waits >= MAX_THROTTLE_WAITS || !(waitMs <= MAX_THROTTLE_WAIT_MS)) throw err;
      await sleep(waitMs);
    }
  }
}

export interface AttachOptions {
  /** The draft may carry some files already (an earlier attempt): list them first. */
  draftMayHaveFiles: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** Puts `files` onto the draft, each exactly once; returns how many went up in this call. */
export async function attachFiles(
  client: Client,
  draftId: string,
  files: FileToAttach[],
  opts: AttachOptions,
): Promise<number> {
  if (files.length === 0) return 0;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let todo = files;
  if (opts.draftMayHaveFiles) {
    const page = (await callGraph(() =>
      client
        .api(`/me/messages/${enc(draftId)}/attachments`)
        .select('id,name,size')
        .get(),
    )) as { value?: Array<{ name: string; size: number }> };
    todo = missingFiles(files, page.value ?? []);
  }
  for (const file of todo) {
    const bytes = await file.bytes();
    if (bytes.length < INLINE_LIMIT_BYTES) {
      await callGraph(() =>
        client.api(`/me/messages/${enc(draftId)}/attachments`).post({
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: file.name,
          contentType: file.contentType,
          contentBytes: bytes.toString('base64'),
        }),
      );
      continue;
    }
    const session = (await callGraph(() =>
      client.api(`/me/messages/${enc(draftId)}/attachments/createUploadSession`).post({
        AttachmentItem: {
          attachmentType: 'file',
          name: file.name,
          size: bytes.length,
          contentType: file.contentType,
        },
      }),
    )) as { uploadUrl?: string };
    const uploadUrl = session.uploadUrl;
    // The PUTs' answers are Microsoft's too: classified once, here, like every Graph call's.
    await callGraph(async () => {
      if (!uploadUrl)
        throw new MicrosoftHttpError({ status: 502, message: 'createUploadSession answered without an uploadUrl' });
      await uploadBytes(uploadUrl, bytes, sleep);
    });
  }
  return todo.length;
}
