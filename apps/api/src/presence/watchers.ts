import type { Connection } from '../gateway/connection.ts';

/** Users one connection may watch at once: a directory page and a conversation list, with room to spare. */
export const MAX_WATCHED = 500;

interface Watching {
  peers: Set<number>;
  view: Set<number>;
  /** Users in a block with this connection's user, either way: kept in peers and view, never watched. */
  hidden: Set<number>;
}

/**
 * Who watches whom on this node. A connection watches its conversation peers (the server's part,
 * which grows as conversations start) and the users its screen shows (the client's part, replaced
 * by each `watch_presence`), less those a block hides, who are watched again once unblocked.
 */
export class Watchers {
  private readonly byWatched = new Map<number, Set<Connection>>();
  private readonly byConnection = new Map<Connection, Watching>();

  /** Starts a connection's watch, of nobody yet. */
  open(connection: Connection): void {
    this.byConnection.set(connection, { peers: new Set(), view: new Set(), hidden: new Set() });
  }

  close(connection: Connection): void {
    const state = this.byConnection.get(connection);
    this.byConnection.delete(connection);
    if (state) this.unwatch(connection, new Set([...state.peers, ...state.view]));
  }

  /** A block now stands between the connection's user and this one: their events stop at once. */
  hide(connection: Connection, userId: number): void {
    const state = this.byConnection.get(connection);
    if (!state || state.hidden.has(userId)) return;
    state.hidden.add(userId);
    this.unwatch(connection, [userId]);
  }

  /** The block is gone; true when the connection watches the user again (it shows them). */
  unhide(connection: Connection, userId: number): boolean {
    const state = this.byConnection.get(connection);
    if (!state?.hidden.delete(userId)) return false;
    if (!state.peers.has(userId) && !state.view.has(userId)) return false;
    this.watch(connection, [userId]);
    return true;
  }

  /** Adds peers (a new conversation); returns those the connection did not watch yet. */
  addPeers(connection: Connection, userIds: readonly number[]): number[] {
    const state = this.byConnection.get(connection);
    if (!state) return [];
    const fresh = userIds.filter((id) => id !== connection.userId && !state.peers.has(id) && !state.view.has(id));
    for (const id of fresh) state.peers.add(id);
    return this.watchVisible(connection, state, fresh);
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
    return this.watchVisible(connection, state, added);
  }

  /** Everything a connection watches. */
  watchedBy(connection: Connection): number[] {
    const state = this.byConnection.get(connection);
    return state ? [...new Set([...state.peers, ...state.view])].filter((id) => !state.hidden.has(id)) : [];
  }

  watchersOf(userId: number): ReadonlySet<Connection> {
    return this.byWatched.get(userId) ?? new Set();
  }

  connections(): Iterable<Connection> {
    return this.byConnection.keys();
  }

  private watchVisible(connection: Connection, state: Watching, userIds: number[]): number[] {
    const visible = userIds.filter((id) => !state.hidden.has(id));
    this.watch(connection, visible);
    return visible;
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
