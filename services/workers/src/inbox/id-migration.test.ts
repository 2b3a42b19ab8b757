import { isMigrationPass, needsIdMigration, pairLegacyRows } from './id-migration';

const base = { deltaLink: null, pageLink: null, pendingGeneration: null, generation: 0, idType: null };

describe('needsIdMigration', () => {
  it('a connection that synced under REST ids needs it; a new one or a migrated one does not', () => {
    expect(needsIdMigration(base)).toBe(false);
    expect(needsIdMigration({ ...base, deltaLink: 'd', generation: 2 })).toBe(true);
    expect(needsIdMigration({ ...base, pageLink: 'p', pendingGeneration: 1 })).toBe(true);
    expect(needsIdMigration({ ...base, pendingGeneration: 1 })).toBe(true);
    expect(needsIdMigration({ ...base, deltaLink: 'd', generation: 2, idType: 'immutable' })).toBe(false);
  });

  it('the migration pass is the one of idMigrationGeneration', () => {
    expect(isMigrationPass({ idMigrationGeneration: 4 }, 4)).toBe(true);
    expect(isMigrationPass({ idMigrationGeneration: 4 }, 5)).toBe(false);
    expect(isMigrationPass({ idMigrationGeneration: null }, 4)).toBe(false);
  });
});

describe('pairLegacyRows', () => {
  it('pairs by internetMessageId, one old row per message, and leaves messages without one alone', () => {
    const rows = [
      { _id: 'old-a', internetMessageId: '<a@x>' },
      { _id: 'old-b1', internetMessageId: '<b@x>' },
      { _id: 'old-b2', internetMessageId: '<b@x>' },
      { _id: 'old-n', internetMessageId: null },
    ];
    const paired = pairLegacyRows(
      [
        { graphId: 'A', internetMessageId: '<a@x>' },
        { graphId: 'B1', internetMessageId: '<b@x>' },
        { graphId: 'B2', internetMessageId: '<b@x>' },
        { graphId: 'B3', internetMessageId: '<b@x>' },
        { graphId: 'N', internetMessageId: null },
      ],
      rows,
    );
    expect([...paired].map(([g, r]) => [g, r._id])).toEqual([
      ['A', 'old-a'],
      ['B1', 'old-b1'],
      ['B2', 'old-b2'],
    ]);
  });
});
