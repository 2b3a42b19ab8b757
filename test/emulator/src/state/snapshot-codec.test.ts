import { decodeSnapshot, encodeSnapshot, SnapshotError, type ClassRegistry } from './snapshot-codec';

class Box {
  fn = (): number => 1;
  constructor(public items: Map<string, number[]> = new Map()) {}
  total(): number {
    return [...this.items.values()].flat().reduce((a, b) => a + b, 0);
  }
}
class Unregistered {
  x = 1;
}

const registry: ClassRegistry = { Box: { create: () => new Box() } };
const roundTrip = <T>(value: T): T =>
  decodeSnapshot(JSON.parse(JSON.stringify(encodeSnapshot(value, registry))), registry) as T;

describe('snapshot codec', () => {
  it('keeps plain data, Maps (with undefined values), Sets, Dates, bytes, non-finite numbers and $-keys', () => {
    const value = {
      s: 'x',
      n: 1.5,
      b: false,
      nil: null,
      undef: undefined,
      inf: Infinity,
      nan: NaN,
      map: new Map<string, string[] | undefined>([
        ['a', ['Mail.Read']],
        ['b', undefined],
      ]),
      set: new Set([1, 2]),
      date: new Date(1_700_000_000_000),
      bytes: Buffer.from('hi'),
      odd: { $ref: 'not a reference', $map: 1 },
      list: [undefined, 1],
    };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(Object.prototype.hasOwnProperty.call(back, 'undef')).toBe(true);
    expect(back.map.has('b')).toBe(true);
    expect(back.list).toHaveLength(2);
    expect(Number.isNaN(back.nan)).toBe(true);
  });

  it('keeps shared references shared (an index and its records stay the same objects)', () => {
    const user = { id: 'u1', consents: new Map<string, string[]>() };
    const state = { byId: new Map([['u1', user]]), byEmail: new Map([['a@x', user]]) };
    const back = roundTrip(state);
    back.byId.get('u1')!.consents.set('app', ['Mail.Read']);
    expect(back.byEmail.get('a@x')).toBe(back.byId.get('u1'));
    expect(back.byEmail.get('a@x')!.consents.get('app')).toEqual(['Mail.Read']);
  });

  it('restores registered classes with their methods, and skips their function fields (wiring, not state)', () => {
    const box = new Box(
      new Map([
        ['a', [1, 2]],
        ['b', [3]],
      ]),
    );
    const encoded = encodeSnapshot(box, registry) as { $class: string; $fields: Record<string, unknown> };
    expect(encoded.$class).toBe('Box');
    expect(encoded.$fields).not.toHaveProperty('fn');
    const back = roundTrip(box);
    expect(back).toBeInstanceOf(Box);
    expect(back.total()).toBe(6);
  });

  it('refuses to save an instance of a class it was not told about, naming where it is', () => {
    expect(() => encodeSnapshot({ users: [new Unregistered()] }, registry)).toThrow(/Unregistered at \$\.users\[0\]/);
    expect(() => encodeSnapshot({ f: () => 1 }, registry)).toThrow(SnapshotError);
  });

  it('reports a damaged snapshot with the path of the damage', () => {
    expect(() => decodeSnapshot({ a: { $ref: 9 } }, registry)).toThrow(/dangling reference 9 at \$\.a/);
    expect(() => decodeSnapshot({ a: { $class: 'Nope', $fields: {} } }, registry)).toThrow(
      /unknown class Nope at \$\.a/,
    );
    expect(() => decodeSnapshot({ a: { $map: [[1]] } }, registry)).toThrow(/Map entry/);
    expect(() => decodeSnapshot({ a: { $what: 1 } }, registry)).toThrow(/unknown tag \$what/);
  });
});
