import { CLOSE_CODES } from '@chat/protocol';
import type { Bus, BusHandler } from '../infra/bus/index.ts';
import type { Connection } from './connection.ts';
import { type UserEvent, userChannel } from './events.ts';

/**
 * The connections on this node, by user. The node listens on a user's bus channel exactly while
 * it holds at least one of that user's connections, so events only travel to nodes that need them.
 */
export class ConnectionRegistry {
  private readonly byUser = new Map<number, Set<Connection>>();
  private readonly handler: BusHandler = (payload, channel) => this.deliver(channel, payload as UserEvent);

  constructor(private readonly bus: Bus) {}

  async add(connection: Connection): Promise<void> {
    const set = this.byUser.get(connection.userId);
    if (set) {
      set.add(connection);
      return;
    }
    this.byUser.set(connection.userId, new Set([connection]));
    await this.bus.subscribe(userChannel(connection.userId), this.handler);
  }

  /** Returns true when it was the user's last connection on this node. */
  async remove(connection: Connection): Promise<boolean> {
    const set = this.byUser.get(connection.userId);
    if (!set?.delete(connection)) return false;
    if (set.size > 0) return false;
    this.byUser.delete(connection.userId);
    await this.bus.unsubscribe(userChannel(connection.userId), this.handler);
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

  private deliver(channel: string, event: UserEvent): void {
    const userId = Number(channel.slice(channel.indexOf(':') + 1));
    const connections = this.byUser.get(userId);
    if (!connections) return;
    if (event.kind === 'end_sessions') {
      for (const connection of connections) {
        if (event.sessionIdHashes === 'all' || event.sessionIdHashes.includes(connection.sessionIdHash)) {
          connection.close(CLOSE_CODES.unauthenticated, 'session ended');
        }
      }
      return;
    }
    // Serialised once per event, whatever the number of tabs.
    const texts = event.frames.map((frame) => JSON.stringify(frame));
    for (const connection of connections) {
      if (connection.id === event.skipConnection) continue;
      for (const text of texts) connection.sendText(text);
    }
  }
}
