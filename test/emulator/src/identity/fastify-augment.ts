// Per-request values the emulator's hooks share.
declare module 'fastify' {
  interface FastifyRequest {
    /** Mailbox / user the request is about (set once known), for counters and the request log. */
    emulatorEmail?: string;
    /** Set when the request entered a mailbox's concurrency count. */
    emulatorCounted?: boolean;
    emulatorStartedAt?: number;
    emulatorFault?: string;
    /** A dropAnswer fault matched: the handler runs, its answer never leaves. */
    emulatorDropAnswer?: boolean;
    emulatorLogged?: boolean;
    /** Graph's request-id and client-request-id of this request (graphRequestIds). */
    emulatorRequestIds?: { requestId: string; clientRequestId: string };
  }
}

export {};
