import { CLOSE_CODES } from '@chat/protocol';
import type { Connection } from './connection.ts';
import type { AddressedEncodedEvent, EncodedEvent } from './events.ts';

/** The connections on this node, by user, and the delivery of user events to them. */
export class ConnectionRegistry {
  private readonly byUser = new Map<number, Set<Connection>>();

  add(connection: Connection): void {
    const set = this.byUser.get(connection.userId);
    if (set) set.add(connection);
    else this.byUser.set(connection.userId, new Set([connection]));
  }

  /** Returns true when it was the user's last connection on this node. */
  remove(connection: Connection): boolean {
    const set = this.byUser.get(connection.userId);
    if (!set?.delete(connection)) return false;
    if (set.size > 0) return false;
    this.byUser.delete(connection.userId);
    return true;
  }

  connectionsOf(userId: number): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? new Set();
  }

  *all(): Iterable<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }

  get size(): number {
    let count = 0;
    for (const set of this.byUser.values()) count += set.size;
    return count;
  }

  /** Tells these users' connections on this node (all of them for 'all') that they may have missed events. */
  resync(userIds: readonly number[] | 'all', reason: string): void {
    const text = JSON.stringify({ type: 'resync', reason });
    if (userIds === 'all') {
      for (const connection of this.all()) connection.sendText(text);
      return;
    }
    for (const userId of userIds) for (const connection of this.connectionsOf(userId)) connection.sendText(text);
  }

  /** Delivers what concerns this node's connections and ignores the rest. */
  deliverBatch(batch: readonly AddressedEncodedEvent[]): void {
    for (const { userId, event } of batch) {
      const connections = this.byUser.get(userId);
      if (connections) this.deliver(connections, event);
    }
  }

  /** Delivers one user's events to the user's connections on this node. */
  deliverTo(userId: number, events: readonly EncodedEvent[]): void {
    const connections = this.byUser.get(userId);
    if (connections) for (const event of events) this.deliver(connections, event);
  }

  private deliver(connections: Set<Connection>, event: EncodedEvent): void {
    if (event.kind === 'end_sessions') {
      for (const connection of connections) {
        if (event.sessionIdHashes === 'all' || event.sessionIdHashes.includes(connection.sessionIdHash)) {
          // Said before closing, like every refusal, so the client knows to sign in again.
          connection.send({ type: 'error', code: 'unauthenticated', message: 'You were signed out.' });
          connection.close(CLOSE_CODES.unauthenticated, 'session ended');
        }
      }
      return;
    }
    // Serialised once, by the node that made the event, whatever the number of tabs and nodes.
    for (const connection of connections) {
      if (connection.id === event.skipConnection) continue;
      for (const text of event.texts) connection.sendText(text);
    }
  }
}
