import { Clock } from '../clock';
import { GraphError } from '../graph/graph-error';
import { ChangeNotifications, MAX_SUBSCRIPTIONS_PER_MAILBOX } from './change-notifications';
import { changeNotificationSettings } from './notification-settings';
import type { Subscription } from './subscription';
import { parseCreateRequest } from './subscription-request';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const owner = { applicationId: 'app-1', userId: 'user-1', tenantId: 'tenant-1' };
const subscription = (id: string, over: Partial<Subscription> = {}): Subscription => ({
  id,
  resource: 'me/messages',
  watched: { userId: 'user-1' },
  changeTypes: ['created'],
  notificationUrl: 'https://crm.example/n',
  lifecycleNotificationUrl: null,
  clientState: null,
  latestSupportedTlsVersion: 'v1_2',
  expiresAt: NOW + 3600_000,
  applicationId: 'app-1',
  creatorId: 'user-1',
  tenantId: 'tenant-1',
  reauthorizationRequired: false,
  createdAt: NOW,
  ...over,
});

describe('ChangeNotifications (no network)', () => {
  const hub = new ChangeNotifications(new Clock(() => NOW), changeNotificationSettings());
  afterEach(() => hub.reset());
  afterAll(() => hub.stop());

  it('refuses the 1,001st subscription of a mailbox across apps before any validation request (403)', async () => {
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_MAILBOX; i += 1)
      hub.subscriptions.set(`s${i}`, subscription(`s${i}`, { applicationId: `app-${i % 3}` }));
    const req = parseCreateRequest(
      {
        changeType: 'created',
        notificationUrl: 'https://unreachable.invalid/n',
        resource: 'me/messages',
        expirationDateTime: new Date(NOW + 60_000).toISOString(),
      },
      NOW,
      hub.settings,
    );
    const err = await hub.create(req, owner, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).status).toBe(403);
    expect(hub.log.list()).toEqual([]);
  });

  it('shows a subscription only to the app and user that created it', () => {
    hub.subscriptions.set('mine', subscription('mine'));
    expect(hub.owned('mine', owner).id).toBe('mine');
    expect(() => hub.owned('mine', { ...owner, applicationId: 'app-2' })).toThrow(GraphError);
    expect(() => hub.owned('mine', { ...owner, userId: 'user-2' })).toThrow(GraphError);
    expect(hub.list({ ...owner, applicationId: 'app-2' })).toEqual([]);
  });

  it('deletes expired subscriptions when they are looked at', () => {
    hub.subscriptions.set('old', subscription('old', { expiresAt: NOW }));
    expect(hub.list(owner)).toEqual([]);
    expect(hub.subscriptions.has('old')).toBe(false);
  });
});
