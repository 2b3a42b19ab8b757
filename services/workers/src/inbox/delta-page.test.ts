import {
  fullPassRequest,
  inWindow,
  InvalidDeltaPageError,
  isFullPass,
  planDeltaPage,
  runStart,
  splitPage,
} from './delta-page';

const msg = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  receivedDateTime: '2024-05-01T10:00:00Z',
  subject: id,
  ...extra,
});

describe('planDeltaPage', () => {
  it('splits upserts and removals and follows the nextLink', () => {
    const plan = planDeltaPage({
      value: [msg('a'), { id: 'b', '@removed': { reason: 'deleted' } }, msg('c')],
      '@odata.nextLink': 'https://graph/next',
    });
    expect(plan.upserts.map((m) => m.graphId)).toEqual(['a', 'c']);
    expect(plan.removedIds).toEqual(['b']);
    expect(plan.next).toEqual({ kind: 'next', link: 'https://graph/next' });
  });

  it('ends the pass on the deltaLink', () => {
    expect(planDeltaPage({ value: [], '@odata.deltaLink': 'https://graph/delta' }).next).toEqual({
      kind: 'done',
      deltaLink: 'https://graph/delta',
    });
    expect(planDeltaPage({ '@odata.deltaLink': 'https://graph/delta' }).upserts).toEqual([]);
  });

  it('keeps the last state of an id listed twice', () => {
    const removedLast = planDeltaPage({ value: [msg('a'), { id: 'a', '@removed': {} }], '@odata.deltaLink': 'd' });
    expect(removedLast.upserts).toEqual([]);
    expect(removedLast.removedIds).toEqual(['a']);
    const changedLast = planDeltaPage({
      value: [msg('a', { isRead: false }), msg('a', { isRead: true })],
      '@odata.deltaLink': 'd',
    });
    expect(changedLast.upserts).toHaveLength(1);
    expect(changedLast.upserts[0]?.isRead).toBe(true);
  });

  it('refuses a page without a link, a non-array value or an item without id', () => {
    expect(() => planDeltaPage({ value: [] })).toThrow(InvalidDeltaPageError);
    expect(() => planDeltaPage({ value: {}, '@odata.deltaLink': 'd' })).toThrow(InvalidDeltaPageError);
    expect(() => planDeltaPage({ value: [{ subject: 'x' }], '@odata.deltaLink': 'd' })).toThrow(InvalidDeltaPageError);
  });
});

describe('fullPassRequest / inWindow', () => {
  const now = Date.parse('2024-05-31T12:00:00.123Z');

  it('asks for the whole Inbox without $filter (a filtered delta stops at 5,000 messages)', () => {
    expect(fullPassRequest(['id', 'subject'])).toEqual({
      path: "/me/mailFolders('inbox')/messages/delta",
      select: ['id', 'subject'],
    });
  });

  it('keeps every message without a window, and the last N days with one', () => {
    expect(inWindow(new Date('2001-01-01T00:00:00Z'), now, null)).toBe(true);
    expect(inWindow(new Date('2024-05-01T12:00:00.123Z'), now, 30)).toBe(true);
    expect(inWindow(new Date('2024-05-01T12:00:00.122Z'), now, 30)).toBe(false);
  });
});

describe('splitPage', () => {
  const now = Date.parse('2024-05-31T12:00:00Z');
  const conn = { createdAt: new Date('2024-05-31T11:00:00Z') };
  const at = (id: string, receivedDateTime: string) =>
    planDeltaPage({ value: [msg(id, { receivedDateTime })], '@odata.deltaLink': 'd' }).upserts[0]!;
  const old = at('old', '2024-05-20T10:00:00Z');
  // ARRIVAL_SKEW_MS (5 min) before the connection counts as arrived while connected.
  const justBefore = at('skew', '2024-05-31T10:56:00Z');
  const fresh = at('fresh', '2024-05-31T11:30:00Z');
  const ancient = at('ancient', '2024-01-01T10:00:00Z');
  const ids = (ms: Array<{ graphId: string }>) => ms.map((m) => m.graphId);

  it('writes the history at once and holds the arrivals for their lookup and events', () => {
    const split = splitPage([old, justBefore, fresh, ancient], conn, now, null, false);
    expect(ids(split.direct)).toEqual(['old', 'ancient']);
    expect(ids(split.candidates)).toEqual(['skew', 'fresh']);
    expect(ids(split.held)).toEqual(['skew', 'fresh']);
    expect(split.outside).toEqual([]);
  });

  it('looks up what is outside the mirror window instead of writing it', () => {
    const split = splitPage([old, fresh, ancient], conn, now, 30, false);
    expect(ids(split.direct)).toEqual(['old']);
    expect(ids(split.outside)).toEqual(['ancient']);
    expect(ids(split.held)).toEqual(['fresh']);
  });

  it('holds every row of the window during the id migration pass (each may re-key an old row)', () => {
    const split = splitPage([old, fresh, ancient], conn, now, 30, true);
    expect(split.direct).toEqual([]);
    expect(ids(split.held)).toEqual(['old', 'fresh']);
    expect(ids(split.candidates)).toEqual(['fresh']);
    expect(ids(split.outside)).toEqual(['ancient']);
  });
});

describe('runStart', () => {
  const fresh = {
    deltaLink: null,
    generation: 0,
    pageLink: null,
    pendingGeneration: null,
    idType: 'immutable' as const,
  };

  it('starts the first sync as a full pass of generation 1', () => {
    expect(runStart(fresh, null)).toEqual({ kind: 'full', reason: 'initial', generation: 1 });
  });

  it('continues from the deltaLink with the current generation', () => {
    expect(runStart({ ...fresh, deltaLink: 'd', generation: 3 }, null)).toEqual({
      kind: 'incremental',
      link: 'd',
      generation: 3,
    });
  });

  it('resumes a pass at its pageLink, full or incremental', () => {
    expect(runStart({ ...fresh, deltaLink: 'd', generation: 3, pageLink: 'p', pendingGeneration: 4 }, null)).toEqual({
      kind: 'resume',
      link: 'p',
      full: true,
      generation: 4,
    });
    expect(runStart({ ...fresh, deltaLink: 'd', generation: 3, pageLink: 'p' }, null)).toEqual({
      kind: 'resume',
      link: 'p',
      full: false,
      generation: 3,
    });
  });

  it('a resync writes the next generation and keeps reusing it until the pass completes', () => {
    const synced = { ...fresh, deltaLink: 'd', generation: 3 };
    expect(runStart(synced, 'resync')).toEqual({ kind: 'full', reason: 'resync', generation: 4 });
    // the pass's own pageLink went bad: start over, same generation (nothing written twice, nothing orphaned)
    expect(runStart({ ...synced, pageLink: 'p', pendingGeneration: 4 }, 'resync')).toEqual({
      kind: 'full',
      reason: 'resync',
      generation: 4,
    });
    // a crash before the first page was recorded
    expect(runStart({ ...synced, pendingGeneration: 4 }, null)).toEqual({
      kind: 'full',
      reason: 'resync',
      generation: 4,
    });
  });

  it('a connection synced before immutable ids migrates once, in a new generation, whatever was in progress', () => {
    const legacy = { ...fresh, idType: null, deltaLink: 'd', generation: 3 };
    expect(runStart(legacy, null)).toEqual({ kind: 'full', reason: 'ids', generation: 4 });
    expect(runStart({ ...legacy, pageLink: 'p', pendingGeneration: 4 }, null)).toEqual({
      kind: 'full',
      reason: 'ids',
      generation: 5,
    });
    expect(runStart({ ...legacy, idType: undefined }, 'resync')).toMatchObject({ reason: 'ids', generation: 4 });
    // A connection never synced starts under immutable ids: no migration.
    expect(runStart({ ...fresh, idType: null }, null)).toEqual({ kind: 'full', reason: 'initial', generation: 1 });
    // Once the migration pass started (idType set), a reset or a resume carries on with its generation.
    const migrating = { ...legacy, idType: 'immutable' as const, pendingGeneration: 4, idMigrationGeneration: 4 };
    expect(runStart(migrating, 'resync')).toEqual({ kind: 'full', reason: 'resync', generation: 4 });
  });

  it('tells full passes from incremental ones', () => {
    expect(isFullPass({ kind: 'full', reason: 'initial', generation: 1 })).toBe(true);
    expect(isFullPass({ kind: 'resume', link: 'p', full: true, generation: 1 })).toBe(true);
    expect(isFullPass({ kind: 'resume', link: 'p', full: false, generation: 1 })).toBe(false);
    expect(isFullPass({ kind: 'incremental', link: 'd', generation: 1 })).toBe(false);
  });
});
