import { impliedLimit, opsPerUnit } from './store-ops';

describe('store operations per unit of work', () => {
  const counts = {
    'sends.findAndModify {_id,sendAt,status,submittedAt}': { n: 200, docs: 200, ms: 1 },
    'sends.findAndModify {_id,status}': { n: 100, docs: 100, ms: 1 },
    'connections.find {_id}': { n: 100, docs: 100, ms: 1 },
    'attachments.find {sendId}': { n: 10, docs: 10, ms: 1 },
    'connection_activity.insert many': { n: 5, docs: 100, ms: 1 },
    'connection_activity.insert one': { n: 2, docs: 2, ms: 1 },
    'messages.update {_id}': { n: 4, docs: 400, ms: 1 },
  };

  it('sorts commands into classes and divides by the units', () => {
    expect(opsPerUnit(counts, 100)).toEqual({
      cas: 3,
      idReads: 1,
      scans: 0.1,
      insertOne: 0.02,
      groupedDocs: 5,
      groupedCommands: 0.09,
      total: 4.21,
    });
  });

  it('prices each class at its own rate', () => {
    const ops = { cas: 2, idReads: 1, scans: 0, insertOne: 0, groupedDocs: 1, groupedCommands: 0.05, total: 3.05 };
    // 2/400 + 1/1000 + 1/2000 = 0.0065 s per unit
    expect(
      impliedLimit(ops, { casPerSec: 400, idReadPerSec: 1000, insertOnePerSec: 500, insertManyDocsPerSec: 2000 }),
    ).toBeCloseTo(153.85, 1);
  });

  it('says nothing without operations or rates', () => {
    const none = opsPerUnit({}, 10);
    expect(impliedLimit(none, { casPerSec: 1, idReadPerSec: 1, insertOnePerSec: 1, insertManyDocsPerSec: 1 })).toBe(
      null,
    );
  });
});
