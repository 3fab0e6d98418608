import type { ServerFrame } from '@chat/protocol';
import type { Bus } from '../infra/bus/index.ts';

/**
 * What a user's connections are told, on whichever node they are. Frames go to each of them (but
 * `skipConnection`, the one that caused them and was answered directly); `end_sessions` closes the
 * connections of ended sessions.
 */
export type UserEvent =
  | { kind: 'frames'; frames: ServerFrame[]; skipConnection?: string }
  | { kind: 'end_sessions'; sessionIdHashes: string[] | 'all' };

export interface AddressedEvent {
  userId: number;
  event: UserEvent;
}

/**
 * All user events travel on one channel that every node hears, and each node keeps what concerns
 * its own connections. With a handful of nodes this costs each node little, and it spares Redis a
 * subscription per connected user (and a storm of them when thousands reconnect at once).
 */
export const USER_EVENTS_CHANNEL = 'user-events';

/** How long events wait to be published together: one bus message per batch, not one per event. */
export class EventPublisher {
  private pending: AddressedEvent[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly bus: Bus) {}

  /** Resolves once the batch holding this event is on the bus. */
  publish(userId: number, event: UserEvent): Promise<void> {
    this.pending.push({ userId, event });
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = undefined;
    await this.bus.publish(USER_EVENTS_CHANNEL, batch);
  }
}
