/**
 * Fan-out of events between API nodes. Delivery is at-most-once, like Redis pub/sub: whatever was
 * published while a subscriber was disconnected is gone, so `onReconnect` tells the owner to repair
 * (the gateway asks its clients to resync from the database, which is the source of truth).
 */
export interface Bus {
  /** False for the in-process bus: no other node hears it, so there is nothing to publish to. */
  readonly reachesOtherNodes: boolean;
  publish(channel: string, payload: unknown): Promise<void>;
  /** Starts delivering `channel` to `handler`; resolves once the subscription is active. */
  subscribe(channel: string, handler: BusHandler): Promise<void>;
  unsubscribe(channel: string, handler: BusHandler): Promise<void>;
  /**
   * Routed channels, one per key (a user), so that a node hears only what it delivers: `join`
   * subscribes this node to channels and resolves once they are active, `leave` drops them.
   * Messages on any channel that starts with a prefix given to `onRouted` go to its handler as
   * they came, unparsed; the handler decides what is worth parsing.
   */
  onRouted(prefix: string, handler: RoutedHandler): void;
  join(channels: readonly string[]): Promise<void>;
  leave(channels: readonly string[]): Promise<void>;
  /** Publishes already serialised messages to routed channels, all in one round trip. */
  publishRouted(messages: ReadonlyArray<RoutedMessage>): Promise<void>;
  /** Called after the subscriber connection came back from a drop; not on the first connect. */
  onReconnect(listener: () => void): void;
  /** True while this node's subscriber connection is live. */
  isHealthy(): boolean;
  close(): Promise<void>;
}

export type BusHandler = (payload: unknown, channel: string) => void;
export type RoutedHandler = (channel: string, message: string) => void;
export interface RoutedMessage {
  channel: string;
  message: string;
}

/** Channel handlers keyed by channel, shared by both implementations. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  /** Returns true when this is the channel's first handler (the caller must subscribe upstream). */
  add(channel: string, handler: BusHandler): boolean {
    const set = this.handlers.get(channel);
    if (set) {
      set.add(handler);
      return false;
    }
    this.handlers.set(channel, new Set([handler]));
    return true;
  }

  /** Returns true when the channel has no handler left (the caller may unsubscribe upstream). */
  remove(channel: string, handler: BusHandler): boolean {
    const set = this.handlers.get(channel);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.handlers.delete(channel);
    return true;
  }

  dispatch(channel: string, payload: unknown, onError: (error: unknown) => void): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    for (const handler of set) {
      try {
        handler(payload, channel);
      } catch (error) {
        onError(error);
      }
    }
  }
}
