import type { ConnectAttemptDoc, Models } from '@outlook-connect/shared';
import { hashConnectState } from './connect-state';

/**
 * Single use: the one callback that flips the attempt from unconsumed to consumed (compare-and-set) gets it.
 * Unknown, replayed and expired states get null, and nothing changes.
 */
export async function consumeConnectState(
  models: Pick<Models, 'ConnectAttempt'>,
  state: string,
  now: Date,
): Promise<ConnectAttemptDoc | null> {
  if (!state || state.length > 200) return null;
  return models.ConnectAttempt.findOneAndUpdate(
    { stateHash: hashConnectState(state), status: 'pending', consumedAt: null, expiresAt: { $gt: now } },
    { $set: { consumedAt: now } },
    { returnDocument: 'after' },
  ).lean<ConnectAttemptDoc>();
}
