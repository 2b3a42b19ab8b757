import type { Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import { connectStore, createModels, type Models } from '@outlook-connect/shared';
import { writeActivityLine, type ActivityLine } from './activity';

describe('activity lines on the real store', () => {
  const iso = testIsolation('activitylines');
  let conn: Connection;
  let models: Models;

  beforeAll(async () => {
    conn = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
    models = await createModels(conn);
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const line = (over: Partial<ActivityLine> = {}): ActivityLine => ({
    workspaceId: 'ws_1',
    connectionId: 'conn_lines',
    type: 'sent',
    at: new Date(),
    detail: { n: 1 },
    ...over,
  });

  it('a line with a stable id written again is stored once, and the lines grouped with it still go in', async () => {
    await writeActivityLine(models, line({ _id: 'act_sent_snd_1' }));
    // Written together: one insertMany in which the repeated line is refused for its id, the others stored.
    await Promise.all([
      writeActivityLine(models, line({ detail: { n: 2 } })),
      writeActivityLine(models, line({ _id: 'act_sent_snd_1', detail: { n: 3 } })),
      writeActivityLine(models, line({ _id: 'act_sent_snd_2' })),
      writeActivityLine(models, line({ detail: { n: 4 } })),
    ]);
    const stored = await models.ConnectionActivity.find({ connectionId: 'conn_lines' }).lean();
    expect(stored).toHaveLength(4);
    expect(stored.find((l) => l._id === 'act_sent_snd_1')?.detail).toEqual({ n: 1 });
    expect(stored.map((l) => (l.detail as { n: number }).n).sort()).toEqual([1, 1, 2, 4]);
  });
});
