import { FreeBusyLookupError, instantOf, toGraphUtc, type FreeBusyLookup } from '@outlook-connect/queues';
import {
  canUseCalendar,
  classifyMicrosoftError,
  dependencyFailureOf,
  type ConnectionDoc,
} from '@outlook-connect/shared';
import type { Models } from '@outlook-connect/shared';
import type { ConnectionHealth, MailboxGraph } from '../contracts';
import { callGraph, connectionUnusableOf, mailboxBusyOf, microsoftFailureOf } from '../gate';
import { interpretSchedules } from './availability';

export interface FreeBusyDeps {
  models: Models;
  graph: MailboxGraph;
  health: ConnectionHealth;
  now: () => number;
}

/**
 * The synchronous free/busy lookup (POST /me/calendar/getSchedule), through the same token provider and mailbox
 * gate as queued work. Asked in UTC so the availability view lines up with the instants we return.
 */
export function createFreeBusyLookup(deps: FreeBusyDeps): FreeBusyLookup {
  return async (request) => {
    const conn = (await deps.models.Connection.findOne({
      _id: request.connectionId,
      workspaceId: request.workspaceId,
    }).lean()) as ConnectionDoc | null;
    if (!conn)
      throw new FreeBusyLookupError(
        'permanent',
        'connection_not_found',
        `connection ${request.connectionId} does not exist`,
      );
    if (!canUseCalendar(conn.grantedScopes)) {
      throw new FreeBusyLookupError(
        'permanent',
        'scope_missing',
        'the connection was not granted Calendars.ReadWrite; reconnect it with the Full + Calendar preset',
      );
    }
    if (conn.status !== 'active') {
      const code = conn.statusReason?.code ?? conn.status;
      throw new FreeBusyLookupError(
        conn.status === 'disconnected' ? 'permanent' : 'reconnect_required',
        code,
        `the connection is ${conn.status} (${code})`,
      );
    }
    const startMs = instantOf(request.start);
    const endMs = instantOf(request.end);
    let answer: unknown;
    try {
      answer = await callGraph(
        () =>
          deps
            .graph(conn._id)
            .api('/me/calendar/getSchedule')
            .header('Prefer', 'outlook.timezone="UTC"')
            .post({
              schedules: request.schedules,
              startTime: { dateTime: toGraphUtc(startMs), timeZone: 'UTC' },
              endTime: { dateTime: toGraphUtc(endMs), timeZone: 'UTC' },
              availabilityViewInterval: request.intervalMinutes,
            }),
        deps.now,
      );
    } catch (err) {
      throw await lookupError(deps, conn._id, err);
    }
    return {
      connectionId: conn._id,
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      intervalMinutes: request.intervalMinutes,
      schedules: interpretSchedules(answer, request.schedules, {
        startMs,
        endMs,
        intervalMinutes: request.intervalMinutes,
      }),
    };
  };
}

async function lookupError(deps: FreeBusyDeps, connectionId: string, err: unknown): Promise<unknown> {
  // Our own outage (Redis, the store) is not Microsoft's answer: it goes out as it is (the gateway answers 503).
  if (!microsoftFailureOf(err) && dependencyFailureOf(err)) return err;
  const busy = mailboxBusyOf(err);
  if (busy) return new FreeBusyLookupError('busy', `mailbox_${busy.why}`, busy.message, busy.retryAtMs);
  const unusable = connectionUnusableOf(err);
  if (unusable)
    return new FreeBusyLookupError(
      unusable.status === 'disconnected' ? 'permanent' : 'reconnect_required',
      unusable.reasonCode,
      unusable.message,
    );
  const failure = microsoftFailureOf(err) ?? classifyMicrosoftError(err, { now: deps.now() });
  if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials')
    await deps.health.reportFailure(connectionId, failure);
  if (failure.code === 'throttled')
    return new FreeBusyLookupError('busy', 'throttled', failure.message, deps.now() + (failure.retryAfterMs ?? 5_000));
  return new FreeBusyLookupError(failure.kind, failure.code, failure.message);
}
