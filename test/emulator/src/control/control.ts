import { mailboxOf, nowIso, type EmulatorContext, type EmulatorSettings } from '../context';
import { attachmentJson, messageJson, MESSAGE_DEFAULTS } from '../graph/message-view';
import { eventJson } from '../graph/event-routes';
import { patchMessage } from '../graph/message-routes';
import { recordAdminConsent, recordUserConsent } from '../identity/consent';
import { parseScopes } from '../identity/scopes';
import { deliverInbound } from '../mailbox/mail-service';
import { notificationControl } from '../notifications/notification-control';
import type { Message } from '../mailbox/types';
import { Directory, NotFoundError } from '../state/directory';
import { Grants } from '../state/grants';
import type { App, AppSecret, User } from '../state/model';
import { parseSendDelay } from '../transport/transport';
import type { AppInfo, EmulatorControl, GraphJson, SecretInfo } from './types';

const ALL_MESSAGE_FIELDS = [...MESSAGE_DEFAULTS, 'internetMessageHeaders'];

export const fullMessageJson = (m: Message): GraphJson => ({
  ...messageJson(m, 'rest', ALL_MESSAGE_FIELDS),
  immutableId: m.immutableId,
  singleValueExtendedProperties: m.singleValueExtendedProperties,
  attachments: m.attachments.map(attachmentJson),
});

const secretInfo = (s: AppSecret): SecretInfo => ({
  id: s.id,
  value: s.value,
  expiresAt: new Date(s.expiresAt).toISOString(),
});

const appInfo = (a: App): AppInfo => ({
  clientId: a.clientId,
  name: a.name,
  homeTenantId: a.homeTenantId,
  signInAudience: a.signInAudience,
  multiTenant: a.multiTenant,
  redirectUris: [...a.redirectUris],
  secrets: a.secrets.map(secretInfo),
});

const userInfo = (u: User) => ({
  id: u.id,
  tenantId: u.tenantId,
  email: u.email,
  upn: u.upn,
  mail: u.mail,
  displayName: u.displayName,
  autoConsent: u.autoConsent,
  admin: u.admin,
});

/** In-process control API; the HTTP routes under /_emulator call the same object. */
export function createControl(ctx: EmulatorContext, initial: EmulatorSettings): EmulatorControl {
  const user = (email: string): User => ctx.directory.userByEmail(email);
  const box = (email: string) => mailboxOf(ctx, user(email));
  const message = (email: string, id: string): Message => {
    // A test tool: either id format names the message.
    const found = box(email).find(id, 'rest') ?? box(email).find(id, 'immutable');
    if (!found) throw new NotFoundError(`message ${id} not found in ${email}`);
    return found;
  };
  const sortedDesc = (items: Message[]): Message[] =>
    [...items].sort((a, b) => (a.receivedDateTime < b.receivedDateTime ? 1 : -1));

  return {
    ...notificationControl(ctx),
    createTenant: (input = {}) => {
      const t = ctx.directory.createTenant(input);
      return { id: t.id, domain: t.domain, name: t.name };
    },
    createUser: (input) => {
      const u = ctx.directory.createUser(input);
      mailboxOf(ctx, u);
      return userInfo(u);
    },
    createApp: (input) => appInfo(ctx.directory.createApp(input)),
    deleteApp: (clientId) => ctx.directory.deleteApp(clientId),
    setRedirectUris: (clientId, redirectUris) => {
      const app = ctx.directory.app(clientId);
      if (!Array.isArray(redirectUris) || redirectUris.some((u) => typeof u !== 'string'))
        throw new Error('setRedirectUris: redirectUris must be an array of URLs');
      app.redirectUris = [...redirectUris];
      return appInfo(app);
    },
    directory: () => ({
      tenants: [...ctx.directory.tenants.values()].map((t) => ({ id: t.id, domain: t.domain, name: t.name })),
      users: [...ctx.directory.users.values()].map(userInfo),
      apps: [...ctx.directory.apps.values()].map(appInfo),
    }),
    addSecret: (clientId, input) => secretInfo(ctx.directory.addSecret(ctx.directory.app(clientId), input)),
    expireSecret: (clientId, secretId) => ctx.directory.expireSecret(clientId, secretId),
    removeSecret: (clientId, secretId) => ctx.directory.removeSecret(clientId, secretId),
    setConsentPolicy: (tenantId, policy, adminOnlyScopes, adminConsentWorkflow) =>
      ctx.directory.setConsentPolicy(tenantId, policy, adminOnlyScopes, adminConsentWorkflow),
    grantAdminConsent: (tenantId, clientId, scopes) => {
      const graph = scopes ? parseScopes(scopes.join(' ')).graph : undefined;
      recordAdminConsent(
        ctx.directory.tenant(tenantId),
        ctx.directory.app(clientId).clientId,
        graph && !graph.includes('.default') ? graph : undefined,
      );
    },
    setUserBehavior: (email, behavior) => {
      ctx.directory.setUserBehavior(email, behavior);
    },
    revokeGrants: (email) => {
      const u = user(email);
      u.revokedBeforeSerial = ctx.grants.peekSerial();
      u.revokedAt = ctx.clock.now();
    },
    expireRefreshTokens: (email) => {
      user(email).expiredBeforeSerial = ctx.grants.peekSerial();
    },
    revokeConsent: (email, clientId) => {
      user(email).consents.delete(clientId);
    },
    issueRefreshToken: (email, clientId, scopes) => {
      const u = user(email);
      const app = ctx.directory.app(clientId);
      const parsed = parseScopes(scopes.join(' '));
      if (!parsed.oidc.includes('offline_access'))
        throw new Error('issueRefreshToken: scopes must include offline_access (no refresh token without it)');
      const graph = parsed.graph.filter((s) => s !== '.default');
      if (graph.length === 0) throw new Error('issueRefreshToken: scopes must name at least one Graph permission');
      recordUserConsent(u, app.clientId, graph);
      const rt = ctx.grants.issueRefreshToken({
        clientId: app.clientId,
        userId: u.id,
        graphScopes: graph,
        oidcScopes: parsed.oidc,
        issuedAt: ctx.clock.now(),
        mfa: false,
      });
      return { refreshToken: rt.token, userId: u.id, tenantId: u.tenantId, scopes: [...graph, ...parsed.oidc] };
    },
    deliverMessage: (email, input) => fullMessageJson(deliverInbound(ctx, user(email), input)),
    deliverMessages: (email, count, template = {}) => {
      const u = user(email);
      const now = ctx.clock.now();
      const spacing = (template.spacingSec ?? 60) * 1000;
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const m = deliverInbound(ctx, u, {
          from: template.from ?? 'sender@external.example',
          subject: `${template.subject ?? 'Message'} ${i + 1}`,
          body: template.body ?? `Body of message ${i + 1}`,
          receivedDateTime: new Date(now - (count - 1 - i) * spacing).toISOString(),
        });
        ids.push(m.id);
      }
      return ids;
    },
    updateMessage: (email, id, patch) => fullMessageJson(patchMessage(ctx, box(email), message(email, id), patch)),
    deleteMessage: (email, id) => box(email).delete(message(email, id), nowIso(ctx)),
    listMessages: (email, folder = 'inbox') => {
      ctx.transport.settle();
      const mailbox = box(email);
      const f = mailbox.folder(folder);
      if (!f) throw new NotFoundError(`folder ${folder} not found`);
      return sortedDesc(mailbox.inFolder(f.id)).map(fullMessageJson);
    },
    sentItems: (email) => {
      ctx.transport.settle();
      return sortedDesc(box(email).inFolder(box(email).wellKnown('sentitems').id)).map(fullMessageJson);
    },
    inTransit: () => ctx.transport.pending(),
    setSendDelay: (delay) => {
      ctx.settings.sendDelay = parseSendDelay(delay, ctx.settings.sendDelay);
    },
    events: (email) =>
      [...box(email).events.values()].sort((a, b) => a.startMs - b.startMs).map((e) => eventJson(e, 'UTC')),
    invalidateDeltaTokens: (email, code = 'syncStateNotFound', status = 410) => {
      const mailbox = box(email);
      mailbox.deltaEpoch += 1;
      mailbox.deltaInvalidCode = code;
      mailbox.deltaInvalidStatus = status;
    },
    setMailboxSettings: (email, settings) => {
      const mailbox = box(email);
      if (settings.deltaFilterCap !== undefined) mailbox.deltaFilterCap = settings.deltaFilterCap;
      if (settings.maxMessageSizeBytes !== undefined) {
        if (settings.maxMessageSizeBytes > 150 * 1024 * 1024)
          throw new Error('maxMessageSizeBytes: Exchange Online allows at most 150 MB');
        mailbox.maxMessageSizeBytes = settings.maxMessageSizeBytes;
      }
    },
    replayDeltaPage: (email) => {
      box(email).replayNextDelta = true;
    },
    counters: () => ctx.counters.snapshot(),
    resetCounters: () => ctx.counters.reset(),
    grantLog: (email) => ctx.counters.grantLog(email),
    injectFault: (spec) => ctx.faults.add(spec),
    removeFault: (id) => ctx.faults.remove(id),
    clearFaults: () => ctx.faults.clear(),
    setLimits: (limits) => {
      ctx.settings.limits = { ...ctx.settings.limits, ...limits };
      ctx.limiter.config = ctx.settings.limits;
    },
    setTokenLifetimes: (l) => {
      if (l.accessTokenSec !== undefined)
        ctx.settings.accessTokenSec = ctx.settings.accessTokenMaxSec = l.accessTokenSec;
      if (l.accessTokenMaxSec !== undefined)
        ctx.settings.accessTokenMaxSec = Math.max(l.accessTokenMaxSec, ctx.settings.accessTokenSec);
      if (l.refreshTokenInactivitySec !== undefined)
        ctx.settings.refreshTokenInactivitySec = l.refreshTokenInactivitySec;
      if (l.codeSec !== undefined) ctx.settings.codeLifetimeSec = l.codeSec;
    },
    advanceClock: (ms) => {
      ctx.clock.advance(ms);
      ctx.transport.settle();
    },
    requestLog: (email) => ctx.requestLog.list(email),
    reset: () => {
      ctx.directory = new Directory(() => ctx.clock.now());
      ctx.grants = new Grants();
      ctx.mailboxes.clear();
      ctx.transport.clear();
      ctx.pending.clear();
      ctx.counters.reset();
      ctx.requestLog.clear();
      ctx.faults.clear();
      ctx.changeNotifications.reset();
      ctx.clock.reset();
      ctx.settings = { ...initial, limits: { ...initial.limits }, sendDelay: { ...initial.sendDelay } };
      ctx.limiter.config = ctx.settings.limits;
      ctx.limiter.reset();
    },
  };
}
