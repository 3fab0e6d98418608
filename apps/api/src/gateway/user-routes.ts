import type { Bus } from '../infra/bus/index.ts';
import { userChannel } from './events.ts';

/**
 * How long a new connection waits for its user's channel at most before it is let in anyway. A
 * subscribe takes about a round trip to Redis; a second means Redis is in trouble, and then the
 * connection is told to resync once the subscription is active.
 */
const JOIN_TIMEOUT_MS = 1000;

/**
 * This node's subscriptions to the channels of the users it holds connections of: joined on a
 * user's first connection here, left after their last, with every change of one tick sent in one
 * command (a reconnect storm is a few SUBSCRIBEs of thousands of channels, not thousands of them).
 *
 * Why nothing is missed by a user who just connected here while a message is in flight: the
 * connection is sent `ready` only once the subscription is active, and the client syncs from the
 * database after `ready`. A message committed before that sync's read is in the sync; one
 * committed after it is published after it, so after the subscription, and arrives live. Both at
 * once is harmless: clients keep one copy per seq.
 */
export class UserRoutes {
  /** Users whose channel this node subscribed to, or is subscribing to: settles when active. */
  private readonly joined = new Map<number, Promise<void>>();
  private toJoin = new Set<number>();
  private toLeave = new Set<number>();
  private scheduled = false;
  private joining: { promise: Promise<void>; resolve(): void } | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly holds: (userId: number) => boolean,
    private readonly onLateJoin: (userId: number) => void,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Resolves once this node hears the user's channel, or after the timeout (then a resync follows). */
  async attach(userId: number): Promise<void> {
    this.toLeave.delete(userId);
    let active = this.joined.get(userId);
    if (!active) {
      active = this.join(userId);
      this.joined.set(userId, active);
    }
    // While the bus is down there is nothing to wait for: its return resyncs every client.
    if (!this.bus.isHealthy()) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), JOIN_TIMEOUT_MS);
    });
    const outcome = await Promise.race([active, late]);
    clearTimeout(timer);
    if (outcome === 'late') void active.then(() => this.onLateJoin(userId));
  }

  /** After the user's last connection on this node closed. */
  detach(userId: number): void {
    this.toLeave.add(userId);
    this.schedule();
  }

  private join(userId: number): Promise<void> {
    this.toJoin.add(userId);
    this.schedule();
    if (!this.joining) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.joining = { promise, resolve };
    }
    return this.joining.promise;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const joining = this.joining;
    this.joining = undefined;
    // A user who came back within the tick keeps the channel; one who came and went never joins.
    const leaving = [...this.toLeave].filter((userId) => !this.holds(userId));
    this.toLeave = new Set();
    for (const userId of leaving) this.joined.delete(userId);
    const join = [...this.toJoin].filter((userId) => this.joined.has(userId));
    this.toJoin = new Set();
    // Both go down the one subscriber connection in order, so a leave and a later join of one
    // user end joined.
    this.bus.leave(leaving.map(userChannel)).catch(this.onFailure);
    this.bus
      .join(join.map(userChannel))
      .catch(this.onFailure)
      .finally(() => joining?.resolve());
  }
}
