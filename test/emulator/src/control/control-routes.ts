import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../state/directory';
import { NOTIFICATION_CONTROL_ARGS } from '../notifications/notification-control';
import type { EmulatorControl } from './types';

/** Argument names per operation, so HTTP callers may send `{"email": ..., "input": ...}` instead of a positional array. */
export const CONTROL_ARGS: Record<keyof EmulatorControl, string[]> = {
  ...NOTIFICATION_CONTROL_ARGS,
  createTenant: ['input'],
  createUser: ['input'],
  createApp: ['input'],
  deleteApp: ['clientId'],
  setRedirectUris: ['clientId', 'redirectUris'],
  directory: [],
  addSecret: ['clientId', 'input'],
  expireSecret: ['clientId', 'secretId'],
  removeSecret: ['clientId', 'secretId'],
  setConsentPolicy: ['tenantId', 'policy', 'adminOnlyScopes', 'adminConsentWorkflow'],
  grantAdminConsent: ['tenantId', 'clientId', 'scopes'],
  setUserBehavior: ['email', 'behavior'],
  revokeGrants: ['email'],
  expireRefreshTokens: ['email'],
  revokeConsent: ['email', 'clientId'],
  issueRefreshToken: ['email', 'clientId', 'scopes'],
  deliverMessage: ['email', 'input'],
  deliverMessages: ['email', 'count', 'template'],
  updateMessage: ['email', 'id', 'patch'],
  deleteMessage: ['email', 'id'],
  listMessages: ['email', 'folder'],
  sentItems: ['email'],
  inTransit: [],
  setSendDelay: ['delay'],
  events: ['email'],
  invalidateDeltaTokens: ['email', 'code', 'status'],
  setMailboxSettings: ['email', 'settings'],
  replayDeltaPage: ['email'],
  counters: [],
  resetCounters: [],
  grantLog: ['email'],
  injectFault: ['spec'],
  removeFault: ['id'],
  clearFaults: [],
  setLimits: ['limits'],
  setTokenLifetimes: ['lifetimes'],
  advanceClock: ['ms'],
  requestLog: ['email'],
  reset: [],
};

const isOp = (name: string): name is keyof EmulatorControl => Object.prototype.hasOwnProperty.call(CONTROL_ARGS, name);

/** Turns an HTTP body/query into positional arguments. Single-object operations take the body itself. */
export function controlArgs(op: keyof EmulatorControl, payload: unknown): unknown[] {
  if (Array.isArray(payload)) return payload;
  const names = CONTROL_ARGS[op];
  if (payload === undefined || payload === null || typeof payload !== 'object') return [];
  const record = payload as Record<string, unknown>;
  if (names.length === 1 && !(names[0]! in record)) return [payload];
  const args = names.map((n) => record[n]);
  while (args.length && args[args.length - 1] === undefined) args.pop();
  return args;
}

/** GET/POST /_emulator/<operation>: JSON in, JSON out. GET passes the query string as named arguments. */
export function registerControlRoutes(app: FastifyInstance, control: EmulatorControl): void {
  const run = (op: string, payload: unknown) => {
    if (!isOp(op)) throw new NotFoundError(`unknown control operation ${op}`);
    const fn = control[op] as (...args: unknown[]) => unknown;
    return fn(
      ...controlArgs(op, payload).map((v) =>
        ['deliverMessages', 'advanceClock', 'dropNotifications', 'delayNotifications'].includes(op) &&
        typeof v === 'string' &&
        /^\d+$/.test(v)
          ? Number(v)
          : v,
      ),
    );
  };
  const handler = async (
    request: { params: unknown; body?: unknown; query: unknown; method: string },
    reply: import('fastify').FastifyReply,
  ) => {
    const op = (request.params as { op?: string }).op ?? '';
    try {
      const result = run(op, request.method === 'GET' ? request.query : request.body);
      return reply.code(200).send(result === undefined ? { ok: true } : result);
    } catch (err) {
      const status = err instanceof NotFoundError ? 404 : 400;
      return reply.code(status).send({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  app.get('/_emulator/:op', handler);
  app.post('/_emulator/:op', handler);
  app.get('/_emulator', async () => ({ operations: Object.fromEntries(Object.entries(CONTROL_ARGS)) }));
}
