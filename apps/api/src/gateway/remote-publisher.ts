import type { RoutedMessage } from '../infra/bus/bus.ts';
import type { Bus } from '../infra/bus/index.ts';
import {
  type AddressedEncodedEvent,
  type EncodedEvent,
  type ResyncEveryone,
  routedMessage,
  USER_EVENTS_CHANNEL,
  userChannel,
} from './events.ts';

/**
 * A publish that has not reached Redis by then is given up: its events are dropped and their
 * users resync later. Normal publishes take well under a millisecond; a second means Redis is away.
 */
const PUBLISH_TIMEOUT_MS = 1000;
/** Events waiting for the bus at most; past it, the oldest are dropped (and their users resync). */
const MAX_PENDING_EVENTS = 20_000;
/** Users remembered for a resync at most; past it, every client of the other nodes resyncs. */
const MAX_RESYNC_USERS = 10_000;
/** After a failed publish, the resync notice is tried again this soon even if no new event comes. */
const RETRY_MS = 1000;

/**
 * Sends events to the other nodes without ever holding up the caller: a send is acked when it is
 * committed, whatever the bus is doing. Events wait in one bounded list and go out together, one
 * message per user on the user's channel, all in one round trip per flush; what cannot go (Redis down, a timeout, the list full) is dropped and its
 * users are named in the next batch that does go, so the nodes holding them tell them to resync
 * from the database, the source of truth. The bus's own reconnect triggers a resync as well.
 */
export class RemotePublisher {
  private pending: AddressedEncodedEvent[] = [];
  private scheduled = false;
  private flushing = false;
  private lost = new Set<number>();
  private lostAll = false;

  constructor(
    private readonly bus: Bus,
    private readonly origin: string,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  publish(events: readonly AddressedEncodedEvent[]): void {
    this.pending.push(...events);
    if (this.pending.length > MAX_PENDING_EVENTS)
      this.lose(this.pending.splice(0, this.pending.length - MAX_PENDING_EVENTS));
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0 && !this.hasLosses()) return;
    this.flushing = true;
    const events = this.pending;
    this.pending = [];
    const resyncAll = this.lostAll;
    const resync = new Set(this.lost);
    try {
      await withTimeout(this.send(events, resync, resyncAll), PUBLISH_TIMEOUT_MS);
      if (resyncAll || resync.size > 0) this.clearLosses();
    } catch (error) {
      this.lose(events);
      this.onFailure(error);
      setTimeout(() => this.schedule(), RETRY_MS).unref();
    } finally {
      this.flushing = false;
    }
    if (this.pending.length > 0) this.schedule();
  }

  private async send(
    events: readonly AddressedEncodedEvent[],
    resync: ReadonlySet<number>,
    resyncAll: boolean,
  ): Promise<void> {
    const perUser = new Map<number, EncodedEvent[]>();
    for (const { userId, event } of events) {
      const list = perUser.get(userId);
      if (list) list.push(event);
      else perUser.set(userId, [event]);
    }
    for (const userId of resync) if (!perUser.has(userId)) perUser.set(userId, []);
    const messages: RoutedMessage[] = [];
    for (const [userId, userEvents] of perUser) {
      const delivery = resync.has(userId) ? { events: userEvents, resync: true as const } : { events: userEvents };
      messages.push({ channel: userChannel(userId), message: routedMessage(this.origin, delivery) });
    }
    const everyone: ResyncEveryone = { origin: this.origin };
    await Promise.all([
      this.bus.publishRouted(messages),
      resyncAll ? this.bus.publish(USER_EVENTS_CHANNEL, everyone) : undefined,
    ]);
  }

  private lose(events: readonly AddressedEncodedEvent[]): void {
    for (const { userId } of events) {
      if (this.lost.size >= MAX_RESYNC_USERS) {
        this.lostAll = true;
        break;
      }
      this.lost.add(userId);
    }
  }

  private hasLosses(): boolean {
    return this.lostAll || this.lost.size > 0;
  }

  private clearLosses(): void {
    this.lost.clear();
    this.lostAll = false;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bus publish took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
