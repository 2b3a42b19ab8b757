import {
  AuthenticationHandler,
  Client,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { GraphAccessTokenError, GraphTransportError } from './errors';
import { ImmutableIdHandler } from './immutable-ids';

export interface GraphClientOptions {
  /** `https://graph.microsoft.com/v1.0` in production, `${emulator}/v1.0` in tests. */
  graphUrl: string;
  /** The connection's current access token (refreshing it is the caller's job). */
  getAccessToken: () => Promise<string>;
  /** Transport; defaults to the global fetch (tests pass a fake). */
  fetch?: typeof fetch;
}

/** `https://host:port/v1.0` -> baseUrl `https://host:port`, version `v1.0` (the last path segment). */
export function splitGraphUrl(graphUrl: string): { baseUrl: string; version: string; host: string } {
  const url = new URL(graphUrl);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const version = segments.pop();
  if (!version)
    throw new Error(
      `MICROSOFT_GRAPH_URL must end with the API version, e.g. https://graph.microsoft.com/v1.0 (got ${graphUrl})`,
    );
  if (url.protocol !== 'https:')
    throw new Error(
      `MICROSOFT_GRAPH_URL must be https: the Graph client only sends tokens over https (got ${graphUrl})`,
    );
  return { baseUrl: [url.origin, ...segments].join('/'), version, host: url.hostname.toLowerCase() };
}

/** Sends the request; a failure with no HTTP answer keeps its cause (the client would flatten it into a GraphError). */
class TransportHandler implements Middleware {
  constructor(private readonly fetchImpl: typeof fetch) {}

  async execute(context: Context): Promise<void> {
    try {
      context.response = await this.fetchImpl(context.request, context.options);
    } catch (err) {
      throw new GraphTransportError(err);
    }
  }
}

/**
 * A Graph client for one connection. The chain is Authentication -> Redirect -> Telemetry -> immutable ids ->
 * Transport, without the SDK's RetryHandler: it re-sends POSTs (sendMail, /send, events) on 429/5xx, and our queues
 * own every retry.
 *
 * `.api('/me')` hits `${graphUrl}/me`; absolute `@odata.nextLink` / `@odata.deltaLink` URLs can be passed to `.api()`
 * as they are (the client parses `https://host/<version>/...`). The token is attached only to https URLs on Graph
 * hosts or graphUrl's host (customHosts). Errors: GraphError (HTTP answer), GraphTransportError (no answer),
 * GraphAccessTokenError (getAccessToken failed, cause kept); all go through classifyMicrosoftError.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const { baseUrl, version, host } = splitGraphUrl(options.graphUrl);
  const authProvider: AuthenticationProvider = {
    getAccessToken: async () => {
      try {
        return await options.getAccessToken();
      } catch (err) {
        throw new GraphAccessTokenError(err);
      }
    },
  };
  const middleware: Middleware[] = [
    new AuthenticationHandler(authProvider),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new ImmutableIdHandler(),
    new TransportHandler(options.fetch ?? fetch),
  ];
  return Client.initWithMiddleware({
    middleware,
    baseUrl,
    defaultVersion: version,
    customHosts: new Set([host]),
  });
}
