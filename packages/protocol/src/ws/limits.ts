/** Limits of the WebSocket gateway, shared so that clients can respect them before the server refuses. */
export const WS_LIMITS = {
  /** Longest message text, in UTF-16 code units as JavaScript counts `string.length`. */
  maxTextLength: 4000,
  /** Frames above this size close the connection (1009): nothing legitimate comes close. */
  maxFrameBytes: 64 * 1024,
  /** Longest client message id: room for a UUID or ULID with a prefix. */
  maxClientIdLength: 64,
  /**
   * Open sockets one user may hold on one node, tabs and devices together. A person needs a handful;
   * 300 sockets of one user were enough to slow a node for everyone. Past it: close 4009.
   */
  maxSocketsPerUser: 20,
  /**
   * Frames of one connection waiting to be handled. A client waits for answers (acks, synced) and
   * never needs more; a client that floods past it is closed (4010) instead of holding the node.
   */
  maxQueuedFrames: 200,
  /**
   * Sends per user per second on one node, and the burst allowed on top (a pasted list, a quick
   * exchange); past it a send is refused with `rate_limited`.
   */
  sendsPerSecond: 20,
  sendBurst: 40,
  /**
   * Syncs per user per second, and the burst: one on each connect and one per gap is all a client
   * needs. Each costs a few queries and up to 2,000 messages; 400 in a row held an embedded node
   * for seconds. Past it: `rate_limited` with `frame: "sync"`; sync again a second later.
   */
  syncsPerSecond: 1,
  syncBurst: 10,
} as const;

/** "Typing…": how often a client says so while the user types, and how long the peer shows it. */
export const TYPING = {
  /** A client sends `typing` at most this often; the server drops extra ones within `serverMinIntervalMs`. */
  sendIntervalMs: 3000,
  /** Longer than the send interval, so that the indicator holds steady while the peer types. */
  shownMs: 4000,
  serverMinIntervalMs: 1000,
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
  /** The user has WS_LIMITS.maxSocketsPerUser sockets open on this node already: close a tab or device first. */
  tooManySockets: 4009,
  /** The client sent more than WS_LIMITS.maxQueuedFrames frames without waiting for answers. */
  tooManyFrames: 4010,
} as const;
