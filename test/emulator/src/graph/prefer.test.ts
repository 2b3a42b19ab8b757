import { idTypeOf, preferences } from './prefer';

describe('Prefer header', () => {
  it('reads several preferences from one header or several', () => {
    expect(preferences({ prefer: 'IdType="ImmutableId", odata.maxpagesize=50' })).toEqual(
      new Map([
        ['idtype', 'ImmutableId'],
        ['odata.maxpagesize', '50'],
      ]),
    );
    expect(preferences({ prefer: ['odata.maxpagesize=5', 'outlook.timezone="UTC"'] as never })).toEqual(
      new Map([
        ['odata.maxpagesize', '5'],
        ['outlook.timezone', 'UTC'],
      ]),
    );
  });

  it('asks for immutable ids only with IdType="ImmutableId"', () => {
    expect(idTypeOf({ prefer: 'odata.maxpagesize=5, IdType="ImmutableId"' })).toBe('immutable');
    expect(idTypeOf({ prefer: 'IdType=ImmutableId' })).toBe('immutable');
    expect(idTypeOf({ prefer: 'odata.maxpagesize=5' })).toBe('rest');
    expect(idTypeOf({ prefer: 'IdType="RestId"' })).toBe('rest');
    expect(idTypeOf({})).toBe('rest');
  });
});
