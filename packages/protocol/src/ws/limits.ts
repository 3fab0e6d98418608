/** Limits of the WebSocket gateway, shared so that clients can respect them before the server refuses. */
export const WS_LIMITS = {
  /** Longest message text, in UTF-16 code units as JavaScript counts `string.length`. */
  maxTextLength: 4000,
  /** Frames above this size close the connection (1009): nothing legitimate comes close. */
  maxFrameBytes: 64 * 1024,
  /** Longest client message id: room for a UUID or ULID with a prefix. */
  maxClientIdLength: 64,
  /**
   * Open sockets one user may hold across all nodes' tabs and devices. A person needs a handful;
   * 300 sockets of one user were enough to slow a node for everyone. Past it: close 4009.
   */
  maxSocketsPerUser: 20,
  /**
   * Frames of one connection waiting to be handled. A client waits for answers (acks, synced) and
   * never needs more; a client that floods past it is closed (4010) instead of holding the node.
   */
  maxQueuedFrames: 200,
} as const;

/** Close codes the server uses, so clients can decide whether and where to reconnect. */
export const CLOSE_CODES = {
  /** Normal closure requested by the client. */
  normal: 1000,
  /** Heartbeats went unanswered. */
  goingAway: 1001,
  /** Origin refused or similar policy violation: do not reconnect without fixing it. */
  policyViolation: 1008,
  /** A frame exceeded WS_LIMITS.maxFrameBytes. */
  messageTooBig: 1009,
  /** The node is shutting down: reconnect, the load balancer will pick another node. */
  serviceRestart: 1012,
  /** The client speaks a protocol version this server does not: upgrade the client. */
  protocolVersionUnsupported: 4000,
  /** No valid session, bearer token or ticket: sign in again. */
  unauthenticated: 4001,
  /** The ticket expired before the socket reached the server (a slow network, a busy server): ask for another and reconnect. */
  ticketExpired: 4002,
  /** Signed in, but not allowed to chat yet (email address not confirmed). */
  forbidden: 4003,
  /** The client read too slowly and its unsent buffer passed the bound: reconnect and sync. */
  slowConsumer: 4008,
} as const;
