/**
 * Where presence lives: which users have connections, on which nodes, and who is waiting out the
 * grace period. Redis when several nodes share it, memory on the embedded default. The store only
 * counts; the presence service decides what the transitions mean.
 */
export interface PresenceStore {
  /** Counts a new connection; true when the user came online (was neither online nor within grace). */
  connect(userId: number): Promise<boolean>;
  /** Uncounts one; when it was the user's last anywhere, they go offline at `offlineAt` unless they come back. */
  disconnect(userId: number, offlineAt: number): Promise<void>;
  /** The subset of `userIds` online now (grace period included). */
  online(userIds: readonly number[]): Promise<Set<number>>;
  /**
   * Completes what is due: users whose grace period passed without a connection, and users of
   * nodes that stopped heartbeating. Returns the users that went offline (each reported once, by
   * whichever node swept first).
   */
  sweep(now: number): Promise<number[]>;
  /** Tells the other nodes this one is alive. */
  heartbeat(now: number): Promise<void>;
  /** Removes this node's connections at once (shutting down); their users go offline at `offlineAt` unless they reconnect elsewhere. */
  leave(offlineAt: number): Promise<void>;
}
