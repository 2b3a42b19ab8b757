import { GraphError } from '@microsoft/microsoft-graph-client';
import { connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';

type DeltaPage = {
  value: Array<{ id: string; '@removed'?: unknown }>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
};
const DELTA = '/me/mailFolders/inbox/messages/delta';

// Delta's documented limits ("Get incremental changes to messages in a folder"; "Use delta query", "Synchronization
// reset" / "Token duration") through the real Graph client.
describe('Graph delta limits and resets', () => {
  let w: World;
  let token: string;

  beforeAll(async () => {
    w = await startWorld();
    token = (await connect(w)).result.accessToken;
  });
  afterAll(async () => {
    await w.emu.close();
  });

  /** Follows a round to its deltaLink; returns every id seen and the deltaLink. */
  async function round(
    first: () => Promise<DeltaPage>,
    graph = graphFor(w, token),
  ): Promise<{ ids: string[]; pages: number; deltaLink: string }> {
    let page = await first();
    const ids = page.value.map((m) => m.id);
    let pages = 1;
    while (page['@odata.nextLink']) {
      page = (await graph.api(page['@odata.nextLink']).get()) as DeltaPage;
      ids.push(...page.value.map((m) => m.id));
      pages += 1;
    }
    return { ids, pages, deltaLink: page['@odata.deltaLink'] ?? '' };
  }

  it('a filtered round returns at most 5,000 messages; the unfiltered round returns the whole folder', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `big-${Date.now()}@${w.tenant.domain}`,
    }).email;
    const t = (await connect(w, { email })).result.accessToken;
    w.emu.control.deliverMessages(email, 5_200, { spacingSec: 1 });
    const graph = graphFor(w, t);
    const since = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const filtered = await round(
      () => graph.api(DELTA).filter(`receivedDateTime ge ${since}`).header('Prefer', 'odata.maxpagesize=1000').get(),
      graph,
    );
    expect(filtered.ids).toHaveLength(5_000);
    expect(filtered.deltaLink).toContain('$deltatoken=');
    // What the capped round did not return is not offered by the next round either.
    const next = await round(() => graph.api(filtered.deltaLink).get(), graph);
    expect(next.ids).toHaveLength(0);
    const full = await round(() => graph.api(DELTA).header('Prefer', 'odata.maxpagesize=1000').get(), graph);
    expect(new Set(full.ids).size).toBe(5_200);
  });

  it('the cap is a mailbox setting (tests use a small one)', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `cap-${Date.now()}@${w.tenant.domain}`,
    }).email;
    const t = (await connect(w, { email })).result.accessToken;
    w.emu.control.deliverMessages(email, 25);
    w.emu.control.setMailboxSettings(email, { deltaFilterCap: 10 });
    const graph = graphFor(w, t);
    const capped = await round(
      () =>
        graph
          .api(DELTA)
          .filter('receivedDateTime ge 2000-01-01T00:00:00Z')
          .header('Prefer', 'odata.maxpagesize=4')
          .get(),
      graph,
    );
    expect(capped).toMatchObject({ pages: 3 });
    expect(capped.ids).toHaveLength(10);
  });

  it('only receivedDateTime ge|gt filters are accepted', async () => {
    const graph = graphFor(w, token);
    const err = await errorOf(graph.api(DELTA).filter("subject eq 'x'").get());
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQueryFilter' });
    await expect(graph.api(DELTA).filter('receivedDateTime gt 2020-01-01T00:00:00Z').get()).resolves.toHaveProperty(
      'value',
    );
  });

  it('$top sets the page size, and the links carry it', async () => {
    w.emu.control.deliverMessages(w.user.email, 7);
    const graph = graphFor(w, token);
    const first = (await graph.api(DELTA).top(3).get()) as DeltaPage;
    expect(first.value).toHaveLength(3);
    const second = (await graph.api(first['@odata.nextLink'] ?? '').get()) as DeltaPage;
    expect(second.value).toHaveLength(3);
  });

  it('a reset mid-round is 410 with a Location that starts the round again (empty $deltatoken)', async () => {
    const graph = graphFor(w, token);
    const first = (await graph.api(DELTA).select('subject').header('Prefer', 'odata.maxpagesize=2').get()) as DeltaPage;
    w.emu.control.invalidateDeltaTokens(w.user.email);
    const err = await errorOf(graph.api(first['@odata.nextLink'] ?? '').get());
    expect(err).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    const location = (err as GraphError).headers?.get('location') ?? '';
    expect(location).toMatch(/\/messages\/delta\?\$select=subject&\$deltatoken=$/);
    const again = await round(() => graph.api(location).header('Prefer', 'odata.maxpagesize=50').get());
    expect(again.ids.length).toBe(w.emu.control.listMessages(w.user.email).length);
  });

  it('a reset can also be another 4xx with syncStateNotFound and no Location', async () => {
    const graph = graphFor(w, token);
    const { deltaLink } = await round(() => graph.api(DELTA).header('Prefer', 'odata.maxpagesize=50').get());
    w.emu.control.invalidateDeltaTokens(w.user.email, 'syncStateNotFound', 400);
    const err = await errorOf(graph.api(deltaLink).get());
    expect(err).toMatchObject({ statusCode: 400, code: 'syncStateNotFound' });
    expect((err as GraphError).headers?.get('location')).toBeNull();
  });
});
