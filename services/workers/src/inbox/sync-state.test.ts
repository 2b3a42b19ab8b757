import { passCompletionSet } from './sync-state';

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
