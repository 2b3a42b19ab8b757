import { explainAddressInUse, portInUseMessage, type NamedPort } from './ports';

const gateway: NamedPort = { port: 3000, variable: 'SANDBOX_PORT', what: 'the auth-gateway and the sandbox page' };
const dashboard: NamedPort = { port: 3002, variable: 'SANDBOX_DASHBOARD_PORT', what: "the operators' dashboard" };

describe('port messages', () => {
  it('names the port, what needs it and the variable that moves it', () => {
    expect(portInUseMessage(gateway)).toBe(
      'port 3000 (the auth-gateway and the sandbox page) is already in use (EADDRINUSE): stop what is listening there, or start with another port, e.g. SANDBOX_PORT=3010 npm start',
    );
  });

  it("reads EADDRINUSE out of a service's output and maps the port to our variable", () => {
    const out = 'auth-gateway failed to start: listen EADDRINUSE: address already in use 127.0.0.1:3002\n';
    expect(explainAddressInUse(out, [gateway, dashboard])).toContain('SANDBOX_DASHBOARD_PORT=3012');
    expect(explainAddressInUse('Error: listen EADDRINUSE: address already in use :::8080', [gateway])).toBe(
      'a port is already in use (EADDRINUSE on 8080)',
    );
    expect(explainAddressInUse('all good', [gateway])).toBeUndefined();
  });
});
