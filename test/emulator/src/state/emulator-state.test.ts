import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createControl } from '../control/control';
import { signJwt, verifyJwt } from '../crypto/jwt';
import { createContext } from '../emulator';
import { createEvent } from '../mailbox/calendar';
import { Mailbox } from '../mailbox/mailbox';
import { restoreState, serializeState } from './emulator-state';
import { SnapshotError } from './snapshot-codec';
import { StateFile, stateLoadError } from './state-file';

/** A context holding one of every kind of state the emulator keeps. */
function populated() {
  const { ctx, initial } = createContext({ now: () => 1_750_000_000_000 });
  const control = createControl(ctx, initial);
  const tenant = control.createTenant({ domain: 'contoso.test' });
  control.setConsentPolicy(tenant.id, 'user', ['Mail.ReadWrite']);
  const user = control.createUser({ tenantId: tenant.id, email: 'adele@contoso.test', displayName: 'Adele' });
  const other = control.createUser({ tenantId: tenant.id, email: 'bob@contoso.test', autoConsent: true });
  control.setUserBehavior(user.email, { requireMfa: true, withholdScopes: ['Calendars.ReadWrite'] });
  const app = control.createApp({ name: 'App', homeTenantId: tenant.id, redirectUris: ['https://crm.test/cb'] });
  control.addSecret(app.clientId, { expiresAt: '2030-01-01T00:00:00Z' });
  control.grantAdminConsent(tenant.id, app.clientId);
  const issued = control.issueRefreshToken(user.email, app.clientId, ['offline_access', 'Mail.Read']);
  control.revokeGrants(other.email);
  const code = ctx.grants.issueCode({
    clientId: app.clientId,
    userId: user.id,
    redirectUri: 'https://crm.test/cb',
    graphScopes: ['Mail.Read'],
    oidcScopes: ['openid'],
    createdAt: ctx.clock.now(),
    mfa: false,
  });
  const [firstId] = control.deliverMessages(user.email, 3, { subject: 'Hello' });
  control.deleteMessage(user.email, firstId!);
  control.invalidateDeltaTokens(user.email, 'resyncRequired');
  const owner = ctx.directory.userByEmail(user.email);
  createEvent(ctx, owner, ctx.mailboxes.get(owner.id)!, {
    subject: 'Demo',
    start: { dateTime: '2026-12-02T10:00:00', timeZone: 'UTC' },
    end: { dateTime: '2026-12-02T11:00:00', timeZone: 'UTC' },
    attendees: [{ emailAddress: { address: other.email } }],
  });
  control.advanceClock(90_000);
  return { ctx, control, user, app, issued, code: code.code };
}

describe('emulator state snapshot', () => {
  it('round-trips every kind of state into a fresh emulator, byte for byte', () => {
    const { ctx } = populated();
    const text = serializeState(ctx);
    const { ctx: fresh } = createContext({ now: () => 1_750_000_000_000 });
    restoreState(fresh, text);
    expect(serializeState(fresh)).toBe(text);
  });

  it('restores working objects: indexes, grants, mailboxes, clock offset and the signing key', () => {
    const { ctx, user, app, issued, code } = populated();
    const token = signJwt({ oid: user.id, exp: ctx.clock.nowSec() + 600 }, ctx.key);
    const { ctx: fresh, initial } = createContext({ now: () => 1_750_000_000_000 });
    restoreState(fresh, serializeState(ctx));

    const restored = fresh.directory.findUserByEmail(user.email)!;
    expect(restored).toBe(fresh.directory.user(user.id));
    expect(restored.behavior).toEqual({ requireMfa: true, withholdScopes: ['Calendars.ReadWrite'] });
    expect(restored.consents.get(app.clientId)).toEqual(['Mail.Read']);
    const tenant = fresh.directory.tenant(restored.tenantId);
    expect(tenant.adminOnlyScopes).toEqual(['Mail.ReadWrite']);
    expect(tenant.adminConsents.has(app.clientId)).toBe(true);
    expect(tenant.adminConsents.get(app.clientId)).toBeUndefined();
    expect(fresh.directory.app(app.clientId).secrets).toHaveLength(2);
    expect(fresh.directory.findUserByEmail('bob@contoso.test')!.revokedBeforeSerial).toBeGreaterThan(0);

    expect(fresh.grants.refreshToken(issued.refreshToken)?.graphScopes).toEqual(['Mail.Read']);
    expect(fresh.grants.code(code)?.redeemed).toBe(false);
    expect(fresh.grants.peekSerial()).toBe(ctx.grants.peekSerial());

    const box = fresh.mailboxes.get(user.id)!;
    expect(box).toBeInstanceOf(Mailbox);
    expect(box.inFolder(box.wellKnown('inbox').id)).toHaveLength(2);
    expect(
      box.changes(box.wellKnown('inbox').id, 0, box.currentSeq(), true).filter((c) => c.kind === 'removed'),
    ).toHaveLength(1);
    expect(box.deltaInvalidCode).toBe('resyncRequired');
    expect([...box.events.values()].map((e) => e.subject)).toEqual(['Demo']);
    expect(box.nextSeq()).toBe(ctx.mailboxes.get(user.id)!.currentSeq() + 1);
    const attendee = fresh.directory.findUserByEmail('bob@contoso.test')!;
    expect(fresh.mailboxes.get(attendee.id)!.events.size).toBe(1);

    expect(fresh.clock.now()).toBe(1_750_000_090_000);
    expect(verifyJwt(token, fresh.key, fresh.clock.nowSec())).toMatchObject({ ok: true });
    // The restored directory still works as a directory: new records land in the same indexes.
    createControl(fresh, initial).createUser({ tenantId: tenant.id, email: 'new@contoso.test' });
    expect(fresh.directory.findUserByEmail('new@contoso.test')).toBeDefined();
  });

  it('reports a corrupt or cut-short file clearly, and leaves the emulator untouched', () => {
    const { ctx } = populated();
    const text = serializeState(ctx);
    const { ctx: fresh } = createContext();
    const before = serializeState(fresh);
    expect(() => restoreState(fresh, text.slice(0, text.length / 2))).toThrow(/not valid JSON .*cut short/);
    expect(() => restoreState(fresh, '{"format":"something else"}')).toThrow(/not an emulator state file/);
    expect(() => restoreState(fresh, text.replace('"version":1', '"version":99'))).toThrow(
      /version 99 is not supported/,
    );
    expect(() =>
      restoreState(
        fresh,
        text.replace(
          '"$class":"Grants","$fields":{"codes":',
          '"$class":"Grants","$fields":{"codes":{"$ref":99999},"was":',
        ),
      ),
    ).toThrow(SnapshotError);
    expect(serializeState(fresh)).toBe(before);
    expect(stateLoadError('/tmp/x.json', new SnapshotError('boom')).message).toMatch(
      /cannot load the emulator state from \/tmp\/x.json: boom\. .*move the file away/,
    );
  });

  it('writes the file atomically, privately, and only when the state changed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-state-'));
    let value = 'one';
    const file = new StateFile(
      path.join(dir, 'nested'),
      () => value,
      () => undefined,
    );
    expect(file.read()).toBeUndefined();
    file.save();
    const stat = fs.statSync(file.file);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file.file, 'utf8')).toBe('one');
    fs.writeFileSync(file.file, 'changed behind our back');
    file.save(); // same state as last written: no write
    expect(fs.readFileSync(file.file, 'utf8')).toBe('changed behind our back');
    value = 'two';
    file.flush();
    expect(fs.readFileSync(file.file, 'utf8')).toBe('two');
    expect(fs.readdirSync(path.dirname(file.file))).toEqual(['emulator-state.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
