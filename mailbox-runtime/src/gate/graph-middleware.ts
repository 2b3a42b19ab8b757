import {
  GraphClientError,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { GraphAccessTokenError, GraphTransportError, parseRetryAfter } from '@outlook-connect/shared';
import {
  ConnectionUnusableError,
  MailboxBusyError,
  type AccessTokens,
  type AccessTokenSeed,
  type MailboxGate,
  type SendBudgetLimits,
} from '../contracts';
import { TokenRefreshFailedError } from '../tokens/access-tokens';
import { MailboxRequestError, OwnRequestError } from './errors';
import { pauseAfterResponse } from './limits';

// The middleware chain of a mailbox's Graph client: auth -> gate -> fetch. No RetryHandler: a 429 on a POST must
// never be re-sent blindly (sendMail is not idempotent); callers postpone and look their marker up instead.

abstract class Link implements Middleware {
  protected next?: Middleware;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected async pass(context: Context): Promise<void> {
    if (!this.next) throw new Error(`${this.constructor.name} is the last middleware; the chain needs a fetch handler`);
    await this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else context.options.headers = { ...(headers as Record<string, string> | undefined), [name]: value };
}

function isGraphRequest(request: Context['request'], graphHost: string): boolean {
  const url = new URL(typeof request === 'string' ? request : request.url);
  return url.protocol === 'https:' && url.hostname.toLowerCase() === graphHost;
}

function carry(err: unknown): unknown {
  if (err instanceof MailboxBusyError || err instanceof ConnectionUnusableError) return new MailboxRequestError(err);
  // Anything else the gate throws is ours (its Redis); the fetch below throws GraphClientErrors only.
  if (!(err instanceof GraphClientError)) return new OwnRequestError(err);
  return err;
}

/**
 * Bearer token from AccessTokens; one renewal and replay on a 401 (Graph did not run a request it did not authenticate).
 * A seed (a token the caller just got from AccessTokens.get) serves the first request, saving a store read.
 */
export class MailboxAuthMiddleware extends Link {
  constructor(
    private readonly connectionId: string,
    private readonly tokens: AccessTokens,
    private readonly graphHost: string,
    private seed?: AccessTokenSeed,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    // A token goes only to the Graph host over https (a nextLink elsewhere would leak it).
    if (!isGraphRequest(context.request, this.graphHost)) return this.pass(context);
    const seed = this.seed;
    this.seed = undefined;
    const token = seed ? seed.accessToken : await this.token(() => this.tokens.get(this.connectionId));
    setHeader(context, 'Authorization', `Bearer ${token}`);
    await this.pass(context);
    if (context.response?.status !== 401) return;
    const renewed = await this.token(() => this.tokens.renew(this.connectionId, token));
    setHeader(context, 'Authorization', `Bearer ${renewed}`);
    context.response = undefined;
    await this.pass(context);
  }

  private async token(get: () => Promise<{ accessToken: string }>): Promise<string> {
    try {
      return (await get()).accessToken;
    } catch (err) {
      if (err instanceof ConnectionUnusableError) throw carry(err);
      // Only a refresh Microsoft refused is Microsoft's; the store, a lease or a timeout of ours is not.
      if (err instanceof TokenRefreshFailedError) throw new GraphAccessTokenError(err);
      throw new OwnRequestError(err);
    }
  }
}

export interface GateMiddlewareOptions {
  connectionId: string;
  gate: MailboxGate;
  now: () => number;
  /** Pause after a 429 without Retry-After. */
  defaultPauseMs: number;
  onPause?: (info: { connectionId: string; status: number; untilMs: number }) => void;
}

/**
 * A request option for the request that sends (`.middlewareOptions([new SendBudget(...)])`): the gate takes its slot
 * and reserves the send budget in one step (withSendSlot). Reserved once: a replay after a 401 takes only a slot.
 */
export class SendBudget implements MiddlewareOptions {
  reserved = false;
  constructor(
    readonly recipients: number,
    readonly limits: SendBudgetLimits,
  ) {}
}

/** Holds one of the mailbox's slots for the request; a 429 (or 503/504 with Retry-After) pauses the whole mailbox. */
export class MailboxGateMiddleware extends Link {
  constructor(private readonly opts: GateMiddlewareOptions) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const { connectionId, gate } = this.opts;
    const budget = context.middlewareControl?.getMiddlewareOptions(SendBudget) as SendBudget | undefined;
    try {
      if (budget && !budget.reserved) {
        await gate.withSendSlot(connectionId, budget.recipients, budget.limits, () => {
          budget.reserved = true;
          return this.pass(context);
        });
      } else await gate.withSlot(connectionId, () => this.pass(context));
    } catch (err) {
      throw carry(err);
    }
    const response = context.response;
    if (!response) return;
    const t = this.opts.now();
    const untilMs = pauseAfterResponse(
      response.status,
      parseRetryAfter(response.headers.get('retry-after'), t),
      t,
      this.opts.defaultPauseMs,
    );
    if (untilMs === null) return;
    // The answer (a 429) must reach the caller, who postpones; a pause Redis could not record is not a reason to lose it.
    await gate.pause(connectionId, untilMs, `http_${response.status}`).catch(() => undefined);
    this.opts.onPause?.({ connectionId, status: response.status, untilMs });
  }
}

/** fetch with a timeout; a failure without an answer becomes GraphTransportError (classified as network). */
export class TimedFetchHandler implements Middleware {
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const options = { ...context.options };
    if (!options.signal) options.signal = AbortSignal.timeout(this.timeoutMs);
    try {
      context.response = await fetch(context.request, options as RequestInit);
    } catch (err) {
      throw new GraphTransportError(err);
    }
  }
}
