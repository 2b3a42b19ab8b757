import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import type { IdType } from '../mailbox/mailbox';
import { badRequest } from './graph-error';
import { graphRoute, type GraphCall, type GraphResult } from './graph-route';

// POST /me/translateExchangeIds ("user: translateExchangeIds"): REST ids <-> REST immutable ids of this mailbox's items.

// Permissions as the page lists them (User.*, not Mail.*).
const TRANSLATE_SCOPES = [
  'User.ReadBasic.All',
  'User.Read',
  'User.ReadWrite',
  'User.Read.All',
  'User.ReadWrite.All',
] as const;

/** "Maximum size of this collection is 1000 strings." */
export const MAX_TRANSLATE_IDS = 1000;

const FORMATS = ['entryId', 'ewsId', 'immutableEntryId', 'restId', 'restImmutableEntryId'] as const;
type ExchangeIdFormat = (typeof FORMATS)[number];
const EMULATED: Partial<Record<ExchangeIdFormat, IdType>> = { restId: 'rest', restImmutableEntryId: 'immutable' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function format(body: Record<string, unknown>, field: 'sourceIdType' | 'targetIdType'): IdType {
  const value = body[field];
  if (typeof value !== 'string' || !(FORMATS as readonly string[]).includes(value))
    throw badRequest(`Invalid value for parameter '${field}'.`, 'ErrorInvalidParameter');
  const idType = EMULATED[value as ExchangeIdFormat];
  // The binary and EWS formats have no meaning without MAPI or EWS: the emulator refuses them rather than invent one.
  if (!idType) throw badRequest(`The emulator translates only restId and restImmutableEntryId, not ${value}.`);
  return idType;
}

function translate(call: GraphCall): GraphResult {
  const body = isRecord(call.body) ? call.body : {};
  const inputIds = body.inputIds ?? body.InputIds;
  if (!Array.isArray(inputIds) || inputIds.some((id) => typeof id !== 'string'))
    throw badRequest("The parameter 'inputIds' is missing or not a collection of strings.", 'ErrorInvalidParameter');
  if (inputIds.length > MAX_TRANSLATE_IDS)
    throw badRequest(`The parameter 'inputIds' holds more than ${MAX_TRANSLATE_IDS} ids.`, 'ErrorInvalidParameter');
  const source = format(body, 'sourceIdType');
  const target = format(body, 'targetIdType');
  const value = (inputIds as string[]).map((sourceId) => {
    // An id this mailbox does not know in the source format (another format, another mailbox, a REST id from before
    // a move) fails on its own: convertIdResult carries errorDetails instead of targetId (the code is assumed).
    const message = call.mailbox.find(sourceId, source);
    if (!message)
      return {
        sourceId,
        errorDetails: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' },
      };
    return { sourceId, targetId: call.mailbox.idOf(message, target) };
  });
  return {
    status: 200,
    body: {
      '@odata.context': `${call.ctx.urls.graphUrl}/$metadata#Collection(microsoft.graph.convertIdResult)`,
      value,
    },
  };
}

export function registerTranslateIdRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/translateExchangeIds',
    scopes: TRANSLATE_SCOPES,
    handler: translate,
  });
}
