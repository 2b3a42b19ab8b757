import { createHash, randomUUID } from 'node:crypto';
import type { INetworkModule, NetworkRequestOptions } from '@azure/msal-node';

/** Test double for MSAL's network module: just enough of the v2.0 endpoints for the auth-code and refresh grants. */
export interface FakeTokenError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

interface IssuedCode {
  challenge: string;
  nonce: string;
  scope: string;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class FakeIdentityPlatform implements INetworkModule {
  readonly requests: { method: string; url: string; body?: URLSearchParams }[] = [];
  /** Answers the next token POST with this error instead of tokens. */
  nextTokenError: FakeTokenError | undefined;
  issueRefreshToken = true;
  grantedScope: string | undefined;
  private readonly codes = new Map<string, IssuedCode>();
  private refreshCounter = 0;

  constructor(
    readonly origin: string,
    readonly tenantId = '11111111-2222-3333-4444-555555555555',
    readonly userOid = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  ) {}

  /** What the authorize endpoint would do after the user consents: bind a code to the PKCE challenge and nonce. */
  approve(authorizeUrl: string): string {
    const url = new URL(authorizeUrl);
    const code = `code-${randomUUID()}`;
    this.codes.set(code, {
      challenge: url.searchParams.get('code_challenge') ?? '',
      nonce: url.searchParams.get('nonce') ?? '',
      scope: url.searchParams.get('scope') ?? '',
    });
    return code;
  }

  async sendGetRequestAsync<T>(url: string): Promise<{ headers: Record<string, string>; body: T; status: number }> {
    this.requests.push({ method: 'GET', url });
    const tenant = new URL(url).pathname.split('/')[1];
    const base = `${this.origin}/${tenant}`;
    const body = {
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      issuer: `${this.origin}/${this.tenantId}/v2.0`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    };
    return { headers: {}, body: body as T, status: 200 };
  }

  async sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<{ headers: Record<string, string>; body: T; status: number }> {
    const form = new URLSearchParams(options?.body ?? '');
    this.requests.push({ method: 'POST', url, body: form });
    if (this.nextTokenError) {
      const { status, body, headers } = this.nextTokenError;
      this.nextTokenError = undefined;
      return { status, body: body as T, headers: headers ?? {} };
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') return this.answer<T>(this.redeem(form));
    if (grant === 'refresh_token') return this.answer<T>(this.tokens(form.get('scope') ?? '', undefined));
    return this.answer<T>({ status: 400, body: { error: 'unsupported_grant_type' } });
  }

  private redeem(form: URLSearchParams): FakeTokenError {
    const issued = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (!issued || b64url(createHash('sha256').update(verifier).digest()) !== issued.challenge) {
      return {
        status: 400,
        body: { error: 'invalid_grant', error_codes: [70008], error_description: 'AADSTS70008: bad code' },
      };
    }
    return this.tokens(issued.scope, issued.nonce);
  }

  private tokens(scope: string, nonce: string | undefined): FakeTokenError {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: 'client-1',
      iss: `${this.origin}/${this.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      tid: this.tenantId,
      oid: this.userOid,
      sub: 'subject-1',
      preferred_username: 'adele@contoso.example',
      ...(scope.split(' ').includes('email') ? { email: 'adele@contoso.example' } : {}),
      name: 'Adele Vance',
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
    };
    const graphScopes = scope
      .split(' ')
      .filter((s) => s && !['openid', 'profile', 'offline_access', 'email'].includes(s))
      .map((s) => `https://graph.microsoft.com/${s}`)
      .join(' ');
    this.refreshCounter += 1;
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: this.grantedScope ?? `${graphScopes} openid profile`,
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: `at-${this.refreshCounter}`,
        ...(this.issueRefreshToken ? { refresh_token: `rt-${this.refreshCounter}` } : {}),
        id_token: `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`,
        client_info: b64url(JSON.stringify({ uid: this.userOid, utid: this.tenantId })),
      },
    };
  }

  private answer<T>(r: FakeTokenError): { headers: Record<string, string>; body: T; status: number } {
    return { status: r.status, body: r.body as T, headers: r.headers ?? {} };
  }
}
