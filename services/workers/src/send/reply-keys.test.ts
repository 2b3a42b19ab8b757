import { replyKeyId } from '@outlook-connect/shared';
import { keyUpserts, lookupKeysOf, replyKeysOf } from './reply-keys';

describe('replyKeyId', () => {
  it('is deterministic per connection, kind and value, and hashes long values', () => {
    expect(replyKeyId('conn_a', 'message', '<m@x>')).toBe('m:conn_a:=<m@x>');
    expect(replyKeyId('conn_a', 'conversation', 'c1')).toBe('c:conn_a:=c1');
    expect(replyKeyId('conn_b', 'message', '<m@x>')).not.toBe(replyKeyId('conn_a', 'message', '<m@x>'));
    const long = `AAQkAD${'x'.repeat(200)}`;
    const key = replyKeyId('conn_a', 'conversation', long);
    expect(key).toMatch(/^c:conn_a:#[A-Za-z0-9_-]{43}$/);
    expect(replyKeyId('conn_a', 'conversation', long)).toBe(key);
    expect(replyKeyId('conn_a', 'conversation', `${long}y`)).not.toBe(key);
  });
});

describe('replyKeysOf / lookupKeysOf', () => {
  it('a send is found under the keys a page asks for; a send without ids (sendMail) has none', () => {
    const send = { connectionId: 'conn_a', internetMessageId: '<s1@x>', conversationId: 'c1' };
    expect(replyKeysOf(send)).toEqual(lookupKeysOf('conn_a', ['<s1@x>'], ['c1']));
    expect(replyKeysOf({ connectionId: 'conn_a', internetMessageId: null, conversationId: null })).toEqual([]);
  });
});

describe('keyUpserts', () => {
  it('one $addToSet upsert per key, the sends of one key merged', () => {
    expect(
      keyUpserts([
        { key: 'k1', sendId: 's1' },
        { key: 'k2', sendId: 's1' },
        { key: 'k1', sendId: 's2' },
        { key: 'k1', sendId: 's1' },
      ]),
    ).toEqual([
      {
        updateOne: { filter: { _id: 'k1' }, update: { $addToSet: { sendIds: { $each: ['s1', 's2'] } } }, upsert: true },
      },
      { updateOne: { filter: { _id: 'k2' }, update: { $addToSet: { sendIds: { $each: ['s1'] } } }, upsert: true } },
    ]);
  });
});
