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

/** Page size: Prefer: odata.maxpagesize, else $top (carried in the link like Graph does), else the default. */
function pageSize(call: GraphCall, fromState?: number): number {
  const prefer = call.request.headers.prefer;
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''));
  const top = call.query.$top !== undefined ? Number(call.query.$top) : undefined;
  if (top !== undefined && (!Number.isInteger(top) || top < 1))
    throw badRequest(`Invalid value '${call.query.$top}' for $top.`, 'BadRequest');
  const size = match ? Number(match[1]) : (top ?? fromState ?? DEFAULT_DELTA_PAGE);
  return Math.max(1, Math.min(size, MAX_DELTA_PAGE));
}

/** "Get incremental changes to messages": the only supported $filter is receivedDateTime ge|gt {value}. */
const SUPPORTED_FILTER = /^\s*receivedDateTime\s+(ge|gt)\s+\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?\s*$/i;

function checkFilter(src: string | undefined): void {
  if (src !== undefined && !SUPPORTED_FILTER.test(src)) {
    throw badRequest(
      'The query filter contains one or more invalid nodes. Delta supports only receivedDateTime ge or gt.',
      'ErrorInvalidUrlQueryFilter',
    );
  }
}

/** A reset as Microsoft documents both forms: 410 with a Location (the initial query, empty $deltatoken), or a 4xx code. */
function resetError(call: GraphCall, state: DeltaState): GraphError {
  const box = call.mailbox;
  const message = 'The sync state generation is no longer valid. Restart the synchronization without a delta token.';
  if (box.deltaInvalidStatus !== 410) return new GraphError(box.deltaInvalidStatus, box.deltaInvalidCode, message);
  const query = [
    state.select ? `$select=${encodeURIComponent(state.select)}` : '',
    state.filter ? `$filter=${encodeURIComponent(state.filter)}` : '',
    '$deltatoken=',
  ]
    .filter(Boolean)
    .join('&');
  return new GraphError(410, box.deltaInvalidCode, message, { location: `${call.ctx.urls.url}${call.path}?${query}` });
}

function readState(call: GraphCall, folderId: string): DeltaState | undefined {
  const skip = call.query.$skiptoken ?? call.query.$skipToken;
  const delta = call.query.$deltatoken ?? call.query.$deltaToken;
  const raw = skip ?? delta;
  // An empty $deltatoken is the initial query (the URL a 410 reset points to).
  if (raw === undefined || (skip === undefined && raw === '')) return undefined;
  const state = decodeDeltaState(raw);
  if (!state || state.u !== call.user.id || state.f !== folderId)
    throw badRequest('The delta token is malformed.', 'BadRequest');
  if (state.e !== call.mailbox.deltaEpoch) throw resetError(call, state);
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
  checkFilter(filterSrc);
  const filter = filterSrc ? parseQueryOptions({ $filter: filterSrc }).filter : undefined;
  const size = pageSize(call, state?.size);
  const from = state?.from ?? 0;
  const to = state?.kind === 'skip' && state.to !== undefined ? state.to : box.currentSeq();
  const after = state?.kind === 'skip' && state.after !== undefined ? state.after : from;
  const initial = !state || (state.kind === 'skip' && state.i === 1);
  const changes = box
    .changes(folder.id, after, to, !initial)
    .filter((c) => c.kind === 'removed' || !filter || filter(filterView(c.message)));
  // A filtered round stops at the cap; what it did not return is not offered again unless it changes.
  const returned = state?.kind === 'skip' ? (state.n ?? 0) : 0;
  const room = filterSrc ? Math.max(0, box.deltaFilterCap - returned) : Infinity;
  const page = changes.slice(0, Math.min(size, room));
  const capped = filterSrc !== undefined && returned + page.length >= box.deltaFilterCap;
  const base: Omit<DeltaState, 'kind'> = {
    v: 1,
    u: call.user.id,
    f: folder.id,
    e: box.deltaEpoch,
    from,
    size,
    select,
    filter: filterSrc,
  };
  const link = `${call.ctx.urls.url}${call.path}`;
  const selectList = select
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const body: Record<string, unknown> = {
    '@odata.context': `${call.ctx.urls.graphUrl}/$metadata#Collection(message)`,
    value: page.map((c) =>
      c.kind === 'removed'
        ? {
            '@odata.type': '#microsoft.graph.message',
            id: call.idType === 'immutable' ? c.immutableId : c.id,
            '@removed': { reason: 'deleted' },
          }
        : { '@odata.type': '#microsoft.graph.message', ...messageJson(c.message as Message, call.idType, selectList) },
    ),
  };
  if (changes.length > page.length && !capped) {
    const last = page[page.length - 1]?.seq ?? after;
    const n = filterSrc ? { n: returned + page.length } : {};
    body['@odata.nextLink'] =
      `${link}?$skiptoken=${encodeDeltaState({ ...base, kind: 'skip', to, after: last, ...n, ...(initial ? { i: 1 as const } : {}) })}`;
  } else {
    body['@odata.deltaLink'] = `${link}?$deltatoken=${encodeDeltaState({ ...base, kind: 'delta', from: to })}`;
  }
  box.lastDeltaBody = body;
  return { status: 200, body };
}

export function registerDeltaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders/:folder/messages/delta',
    scopes: MAIL_READ,
    handler: deltaPage,
  });
}
