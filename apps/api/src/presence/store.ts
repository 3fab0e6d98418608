import type { PresenceReading } from '../users/users-repository.ts';

/** A user's presence changed to `online` at `version` (see Presence.version). */
export interface PresenceChange {
  userId: number;
  online: boolean;
  version: number;
}

/**
 * Where presence lives: which users have connections, on which nodes, who is waiting out the
 * grace period, and the version of each user's state. Redis when several nodes share it, memory
 * on the embedded default. The store only counts; the presence service decides what the
 * transitions mean. Versions grow with every change and with the store's clock, and a user with no
 * recorded version reads as of the store's epoch (when it started empty), so a state read after
 * Redis lost everything still outranks any state from before.
 */
export interface PresenceStore {
  /** Counts a new connection; the change when the user came online (was neither online nor within grace). */
  connect(userId: number): Promise<PresenceChange | undefined>;
  /** Uncounts one; when it was the user's last anywhere, they go offline at `offlineAt` unless they come back. */
  disconnect(userId: number, offlineAt: number): Promise<void>;
  /**
   * Gives the user's state a new version without changing it: what a viewer is shown of them
   * changed (a block started or ended, the user changed who may see it), and the new state must
   * outrank every one sent before.
   */
  touch(userId: number): Promise<PresenceChange>;
  /** Whether each user is online now (grace period included), with the version of that state. */
  read(userIds: readonly number[]): Promise<Map<number, PresenceReading>>;
  /**
   * Who may go offline now: users whose grace period passed without a connection, and users of
   * nodes that stopped heartbeating. Nothing changes yet: see `sweep`.
   */
  due(now: number): Promise<number[]>;
  /**
   * Completes what is due among `userIds` (from `due`; one who came back meanwhile stays online).
   * Returns the users that went offline (each reported once, by whichever node swept first).
   */
  sweep(now: number, userIds: readonly number[]): Promise<PresenceChange[]>;
  /** Tells the other nodes this one is alive. */
  heartbeat(now: number): Promise<void>;
  /**
   * Makes the store agree with this node's live connections (after Redis came back, perhaps
   * empty): sets each user's count here, drops what this node no longer holds (those users go
   * offline at `offlineAt` unless connected elsewhere). Returns the users that came online by it.
   */
  restore(counts: ReadonlyMap<number, number>, offlineAt: number): Promise<PresenceChange[]>;
  /** Removes this node's connections at once (shutting down); their users go offline at `offlineAt` unless they reconnect elsewhere. */
  leave(offlineAt: number): Promise<void>;
}
