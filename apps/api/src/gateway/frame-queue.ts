/**
 * The frames of one connection, handled one after the other, so that a user's messages keep the
 * order they were sent in. Bounded: a client that sends without waiting for answers is told to
 * stop (`onOverflow`) instead of growing the node's memory; and once the connection is gone,
 * what was still waiting is dropped, since nobody is there to answer (unacked sends are resent
 * by the client after it reconnects).
 */
export class FrameQueue {
  private tail: Promise<void>;
  private waiting = 0;
  private dropped = false;

  constructor(
    private readonly limit: number,
    private readonly handle: (raw: string) => Promise<void>,
    private readonly onOverflow: () => void,
    /** Nothing is handled before this resolves (the connect listeners have run). */
    started: Promise<void>,
  ) {
    this.tail = started;
  }

  push(raw: string): void {
    if (this.dropped) return;
    if (this.waiting >= this.limit) {
      this.drop();
      this.onOverflow();
      return;
    }
    this.waiting++;
    this.tail = this.tail.then(async () => {
      this.waiting--;
      if (!this.dropped) await this.handle(raw);
    });
  }

  /** Forgets what is waiting; the frame being handled, if any, finishes. */
  drop(): void {
    this.dropped = true;
  }

  get length(): number {
    return this.waiting;
  }
}
