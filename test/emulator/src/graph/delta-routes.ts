import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import type { Message } from '../mailbox/types';
import { GraphError, badRequest } from './graph-error';
import { graphRoute, type GraphCall, type GraphResult } from './graph-route';
import { decodeDeltaState, encodeDeltaState, type DeltaState } from './delta-token';
import { MAIL_READ, folderOrThrow } from './message-routes';
import { filterView, messageJson } from './message-view';
import { parseQueryOptions } from './odata';

export const DEFAULT_DELTA_PAGE = 10;
const MAX_DELTA_PAGE = 1000;

function pageSize(call: GraphCall, fromState?: number): number {
  const prefer = call.request.headers.prefer;
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''));
  const size = match ? Number(match[1]) : (fromState ?? DEFAULT_DELTA_PAGE);
  return Math.max(1, Math.min(size, MAX_DELTA_PAGE));
}

function readState(call: GraphCall, folderId: string): DeltaState | undefined {
  const skip = call.query.$skiptoken ?? call.query.$skipToken;
  const delta = call.query.$deltatoken ?? call.query.$deltaToken;
  const raw = skip ?? delta;
  if (raw === undefined) return undefined;
  const state = decodeDeltaState(raw);
  if (!state || state.u !== call.user.id || state.f !== folderId) throw badRequest('The delta token is malformed.', 'BadRequest');
  if (state.e !== call.mailbox.deltaEpoch) {
    throw new GraphError(410, call.mailbox.deltaInvalidCode, 'The sync state generation is no longer valid. Restart the synchronization without a delta token.');
  }
  return state;
}

/** One page of GET /me/mailFolders/{id}/messages/delta. */
function deltaPage(call: GraphCall): GraphResult {
  const box = call.mailbox;
  const segment = call.params.folder ?? '';
  const folder = folderOrThrow(box, segment);
  if (box.replayNextDelta && box.lastDeltaBody !== undefined) {
    box.replayNextDelta = false;
    return { status: 200, body: box.lastDeltaBody };
  }
  const state = readState(call, folder.id);
  const select = state?.select ?? call.query.$select;
  const filterSrc = state?.filter ?? call.query.$filter;
  const filter = filterSrc ? parseQueryOptions({ $filter: filterSrc }).filter : undefined;
  const size = pageSize(call, state?.size);
  const from = state?.from ?? 0;
  const to = state?.kind === 'skip' && state.to !== undefined ? state.to : box.currentSeq();
  const after = state?.kind === 'skip' && state.after !== undefined ? state.after : from;
  const initial = !state || (state.kind === 'skip' && state.i === 1);
  const changes = box.changes(folder.id, after, to, !initial).filter((c) => c.kind === 'removed' || !filter || filter(filterView(c.message)));
  const page = changes.slice(0, size);
  const base: Omit<DeltaState, 'kind'> = { v: 1, u: call.user.id, f: folder.id, e: box.deltaEpoch, from, size, select, filter: filterSrc };
  const link = `${call.ctx.urls.url}${call.path}`;
  const selectList = select?.split(',').map((s) => s.trim()).filter(Boolean);
  const body: Record<string, unknown> = {
    '@odata.context': `${call.ctx.urls.graphUrl}/$metadata#Collection(message)`,
    value: page.map((c) =>
      c.kind === 'removed'
        ? { '@odata.type': '#microsoft.graph.message', id: c.id, '@removed': { reason: 'deleted' } }
        : { '@odata.type': '#microsoft.graph.message', ...messageJson(c.message as Message, selectList) },
    ),
  };
  if (changes.length > size) {
    const last = page[page.length - 1]?.seq ?? after;
    body['@odata.nextLink'] = `${link}?$skiptoken=${encodeDeltaState({ ...base, kind: 'skip', to, after: last, ...(initial ? { i: 1 as const } : {}) })}`;
  } else {
    body['@odata.deltaLink'] = `${link}?$deltatoken=${encodeDeltaState({ ...base, kind: 'delta', from: to })}`;
  }
  box.lastDeltaBody = body;
  return { status: 200, body };
}

export function registerDeltaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, { method: 'GET', path: '/me/mailFolders/:folder/messages/delta', scopes: MAIL_READ, handler: deltaPage });
}
