/**
 * Delta state lives in the link itself (like Graph's opaque tokens): a skip token for the next page of a round,
 * a delta token for the next round. Both are base64url JSON, versioned, and tied to the mailbox's delta epoch.
 */
export interface DeltaState {
  v: 1;
  kind: 'skip' | 'delta';
  /** Mailbox owner (user id). */
  u: string;
  /** Folder id. */
  f: string;
  /** Mailbox delta epoch when minted; invalidateDeltaTokens bumps it. */
  e: number;
  /** Changes after this sequence number belong to this round... */
  from: number;
  /** ...up to this one (skip tokens only: the snapshot taken on the round's first page). */
  to?: number;
  /** Last sequence number already returned in this round (skip tokens only). */
  after?: number;
  /** Set on skip tokens of an initial round (no removals reported). */
  i?: 1;
  /** Page size and the caller's $select / $filter, carried like Graph does. */
  size?: number;
  select?: string;
  filter?: string;
  /** Messages a filtered initial round has returned so far (the round ends at the mailbox's deltaFilterCap). */
  n?: number;
}

export function encodeDeltaState(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeDeltaState(token: string): DeltaState | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<DeltaState>;
    if (value.v !== 1 || (value.kind !== 'skip' && value.kind !== 'delta')) return undefined;
    if (
      typeof value.u !== 'string' ||
      typeof value.f !== 'string' ||
      typeof value.e !== 'number' ||
      typeof value.from !== 'number'
    )
      return undefined;
    return value as DeltaState;
  } catch {
    return undefined;
  }
}
