import { fullPassStartSet, passCompletionSet, passStartCanWait } from './sync-state';

describe('passCompletionSet', () => {
  const now = new Date('2024-05-01T10:00:00Z');

  it('a full pass installs its generation, cursor and cursor age, and ends an id migration', () => {
    expect(passCompletionSet(true, 4, 'https://graph/delta?d=1', now)).toEqual({
      'sync.deltaLink': 'https://graph/delta?d=1',
      'sync.pageLink': null,
      'sync.pendingGeneration': null,
      'sync.initialSyncComplete': true,
      'sync.generation': 4,
      'sync.cursorCreatedAt': now,
      'sync.idMigrationGeneration': null,
    });
  });

  it('an incremental pass only moves the cursor', () => {
    const set = passCompletionSet(false, 4, 'https://graph/delta?d=2', now);
    expect(set['sync.deltaLink']).toBe('https://graph/delta?d=2');
    expect(Object.keys(set).sort()).toEqual([
      'sync.deltaLink',
      'sync.initialSyncComplete',
      'sync.pageLink',
      'sync.pendingGeneration',
    ]);
  });
});

describe('passStartCanWait / fullPassStartSet', () => {
  const never = { generation: 0, deltaLink: null, pageLink: null, pendingGeneration: null };
  const first = { kind: 'full', generation: 1 };

  it("lets a never-synced connection's first pass start with its first page's write", () => {
    expect(passStartCanWait(never, first)).toBe(true);
    expect(passStartCanWait({ ...never, idMigrationGeneration: null }, first)).toBe(true);
  });

  it('writes the start first whenever a crash could restart a different pass', () => {
    // a cursor: a run after a crash would go incremental
    expect(passStartCanWait({ ...never, deltaLink: 'd', generation: 1 }, { kind: 'full', generation: 2 })).toBe(false);
    expect(passStartCanWait({ ...never, deltaLink: 'd' }, first)).toBe(false);
    // a pass begun or under way, an id migration recorded
    expect(passStartCanWait({ ...never, pendingGeneration: 1 }, first)).toBe(false);
    expect(passStartCanWait({ ...never, pageLink: 'p' }, first)).toBe(false);
    expect(passStartCanWait({ ...never, idMigrationGeneration: 1 }, first)).toBe(false);
    // not a full pass
    expect(passStartCanWait(never, { kind: 'incremental', generation: 0 })).toBe(false);
  });

  it('records the generation, immutable ids and the attempt', () => {
    const at = new Date('2024-05-01T10:00:00Z');
    expect(fullPassStartSet(3, true, at)).toEqual({
      'sync.pendingGeneration': 3,
      'sync.pageLink': null,
      'sync.idType': 'immutable',
      'sync.idMigrationGeneration': 3,
      'sync.lastAttemptAt': at,
    });
    expect(fullPassStartSet(1)).toEqual({
      'sync.pendingGeneration': 1,
      'sync.pageLink': null,
      'sync.idType': 'immutable',
    });
  });
});
