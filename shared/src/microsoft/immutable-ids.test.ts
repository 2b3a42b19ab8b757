import type { Context } from '@microsoft/microsoft-graph-client';
import { applyImmutableIdPreference, IMMUTABLE_ID_PREFERENCE, preferImmutableIds } from './immutable-ids';

describe('preferImmutableIds', () => {
  it('asks for immutable ids when nothing else is preferred', () => {
    expect(preferImmutableIds(undefined)).toBe('IdType="ImmutableId"');
    expect(preferImmutableIds('')).toBe(IMMUTABLE_ID_PREFERENCE);
  });

  it('keeps the caller preferences in the same header, comma separated', () => {
    expect(preferImmutableIds('odata.maxpagesize=50')).toBe('IdType="ImmutableId", odata.maxpagesize=50');
    expect(preferImmutableIds('outlook.timezone="UTC", odata.maxpagesize=5')).toBe(
      'IdType="ImmutableId", outlook.timezone="UTC", odata.maxpagesize=5',
    );
  });

  it('does not add a second IdType', () => {
    expect(preferImmutableIds('IdType="ImmutableId", odata.maxpagesize=5')).toBe(
      'IdType="ImmutableId", odata.maxpagesize=5',
    );
    expect(preferImmutableIds('odata.maxpagesize=5, idtype="RestId"')).toBe('odata.maxpagesize=5, idtype="RestId"');
  });
});

describe('applyImmutableIdPreference', () => {
  it('merges into the SDK header record whatever the key casing', () => {
    const context = { request: 'https://x', options: { headers: { prefer: 'odata.maxpagesize=9', A: 'b' } } };
    applyImmutableIdPreference(context as unknown as Context);
    expect(context.options.headers).toEqual({ A: 'b', Prefer: 'IdType="ImmutableId", odata.maxpagesize=9' });
  });

  it('merges into a Headers object', () => {
    const headers = new Headers({ Prefer: 'odata.maxpagesize=9' });
    applyImmutableIdPreference({ request: 'https://x', options: { headers } } as unknown as Context);
    expect(headers.get('prefer')).toBe('IdType="ImmutableId", odata.maxpagesize=9');
  });

  it('creates the options when the request has none', () => {
    const context = { request: 'https://x' } as unknown as Context;
    applyImmutableIdPreference(context);
    expect(context.options?.headers).toEqual({ Prefer: 'IdType="ImmutableId"' });
  });
});
