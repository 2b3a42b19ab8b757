import { controlArgs } from './control-routes';

describe('controlArgs', () => {
  it('passes arrays through as positional arguments', () => {
    expect(controlArgs('deliverMessages', ['a@x', 5])).toEqual(['a@x', 5]);
  });

  it("takes a single-object operation's body as the object", () => {
    expect(controlArgs('createUser', { tenantId: 't', email: 'a@x' })).toEqual([{ tenantId: 't', email: 'a@x' }]);
    expect(controlArgs('injectFault', { spec: { path: 'x', status: 503 } })).toEqual([{ path: 'x', status: 503 }]);
  });

  it('maps named fields to positions and drops trailing gaps', () => {
    expect(controlArgs('setUserBehavior', { email: 'a@x', behavior: { disabled: true } })).toEqual([
      'a@x',
      { disabled: true },
    ]);
    expect(controlArgs('expireSecret', { clientId: 'c' })).toEqual(['c']);
    expect(controlArgs('counters', {})).toEqual([]);
  });
});
