import type { Connection } from '../gateway/connection.ts';

/** Users one connection may watch at once: a directory page and a conversation list, with room to spare. */
export const MAX_WATCHED = 500;

/**
 * Who watches whom on this node. A connection watches its conversation peers (the server's part,
 * which grows as conversations start) and the users its screen shows (the client's part, replaced
 * by each `watch_presence`).
 */
export class Watchers {
  private readonly byWatched = new Map<number, Set<Connection>>();
  private readonly byConnection = new Map<Connection, { peers: Set<number>; view: Set<number> }>();

  /** Starts a connection's watch of its peers; returns them. */
  open(connection: Connection, peerIds: readonly number[]): number[] {
    const peers = new Set(peerIds.slice(0, MAX_WATCHED));
    this.byConnection.set(connection, { peers, view: new Set() });
    this.watch(connection, peers);
    return [...peers];
  }

  close(connection: Connection): void {
    const state = this.byConnection.get(connection);
    this.byConnection.delete(connection);
    if (state) this.unwatch(connection, new Set([...state.peers, ...state.view]));
  }

  /** Adds peers (a new conversation); returns those the connection did not watch yet. */
  addPeers(connection: Connection, userIds: readonly number[]): number[] {
    const state = this.byConnection.get(connection);
    if (!state) return [];
    const fresh = userIds.filter((id) => id !== connection.userId && !state.peers.has(id) && !state.view.has(id));
    for (const id of fresh) state.peers.add(id);
    this.watch(connection, fresh);
    return fresh;
  }

  /** Replaces what the screen shows; returns the users newly watched. */
  setView(connection: Connection, userIds: readonly number[]): number[] {
    const state = this.byConnection.get(connection);
    if (!state) return [];
    const next = new Set(userIds.filter((id) => id !== connection.userId));
    const dropped = [...state.view].filter((id) => !next.has(id) && !state.peers.has(id));
    const added = [...next].filter((id) => !state.view.has(id) && !state.peers.has(id));
    state.view = next;
    this.unwatch(connection, dropped);
    this.watch(connection, added);
    return added;
  }

  /** Everything a connection watches. */
  watchedBy(connection: Connection): number[] {
    const state = this.byConnection.get(connection);
    return state ? [...new Set([...state.peers, ...state.view])] : [];
  }

  watchersOf(userId: number): ReadonlySet<Connection> {
    return this.byWatched.get(userId) ?? new Set();
  }

  connections(): Iterable<Connection> {
    return this.byConnection.keys();
  }

  private watch(connection: Connection, userIds: Iterable<number>): void {
    for (const userId of userIds) {
      const set = this.byWatched.get(userId);
      if (set) set.add(connection);
      else this.byWatched.set(userId, new Set([connection]));
    }
  }

  private unwatch(connection: Connection, userIds: Iterable<number>): void {
    for (const userId of userIds) {
      const set = this.byWatched.get(userId);
      if (set?.delete(connection) && set.size === 0) this.byWatched.delete(userId);
    }
  }
}
