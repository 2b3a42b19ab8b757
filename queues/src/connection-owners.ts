// A connection's workspace never changes: the connect flow files it under its workspace and nothing moves or deletes
// it. So a producer that has read a connection once can check the next send's workspace without a store round trip
// (on FerretDB every round trip waits its turn behind the workers' writes, and it sat on every send's path).

export type OwnerCheck = 'owned' | 'not_owned' | 'unknown';

/** What a remembered owner says about a request from `workspaceId` (nothing remembered: the store must say). */
export function checkOwner(known: string | undefined, workspaceId: string): OwnerCheck {
  if (known === undefined) return 'unknown';
  return known === workspaceId ? 'owned' : 'not_owned';
}

export interface OwnerCache {
  get(connectionId: string): string | undefined;
  /** After a store read found the connection (and only then: a missing connection is never remembered). */
  remember(connectionId: string, workspaceId: string): void;
  readonly size: number;
}

/** Bounded: past `max` connections the least recently used one is forgotten (and read again when it sends). */
export function createOwnerCache(max = 10_000): OwnerCache {
  if (!(max >= 1)) throw new Error(`owner cache: max must be at least 1 (got ${max})`);
  const owners = new Map<string, string>();
  return {
    get(connectionId) {
      const owner = owners.get(connectionId);
      if (owner !== undefined) {
        owners.delete(connectionId);
        owners.set(connectionId, owner);
      }
      return owner;
    },
    remember(connectionId, workspaceId) {
      owners.delete(connectionId);
      owners.set(connectionId, workspaceId);
      if (owners.size > max) owners.delete(owners.keys().next().value!);
    },
    get size() {
      return owners.size;
    },
  };
}
