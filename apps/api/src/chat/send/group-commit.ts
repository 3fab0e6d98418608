import type { DatabaseHandle } from '../../infra/db/database.ts';
import type { MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { failpoint } from '../../infra/failpoints/failpoints.ts';
import { sendMetrics } from '../../infra/metrics/instruments.ts';
import { commitSends } from './commit.ts';
import type { PreparedSend, SendResult } from './types.ts';

/**
 * Sends in one batch at most; a batch this large goes at once, window or not (waiting longer would
 * only add latency). Bounded so that the statements stay small and one slow batch holds few
 * senders, and because beyond its fixed cost a bigger batch costs more per send: its statements
 * pick each row's value out of a `case` as long as the batch, and the more conversations it locks,
 * the more surely the other nodes' batches wait on it. Past the knee that fed itself: batches grew,
 * took longer and grew again. Measured with `pnpm bench` on two nodes, alternated twice
 * (2026-12-07, a slow machine): at 3,000 msg/s a cap of 200 left 3,275 messages undelivered in one
 * run and had p99 6.3 s in the other (16 and 24 batches a second), a cap of 64 delivered everything
 * both times (p99 1.5 and 2.5 s, 47 batches a second) with 4-16 % less node CPU per delivery and
 * MariaDB's CPU down a sixth; at 2,000 msg/s p99 0.3-0.5 s against 0.5-7.7 s. The embedded node was
 * the same either way. It is a ceiling too: a node with a backlog commits 64 sends per commit's
 * duration (at 3,000 msg/s there, 47 batches a second carried the offered rate with little to
 * spare).
 */
const MAX_BATCH = 64;
/**
 * Batches committing at once per node. One: concurrent batches of one node mostly wait on each
 * other's conversation locks (the two sides of a chat send at once), and while one commits the
 * next one grows. Measured with `pnpm bench` at 3,000 msg/s on two nodes: p99 155 ms with 4 in
 * flight, 46 ms with 2, 27 ms with 1.
 */
const MAX_IN_FLIGHT = 1;
/**
 * A batch starts at most this often, unless it is full: a batch's fixed cost is the same few round
 * trips, wake-ups and one fsync whatever its size (on the bench machine about 0.6 ms of node CPU
 * for a batch of one, measured alone), so committing again the moment the last commit returned made
 * a lightly loaded node run as many (small) batches per second as a busy one. A send that finds the
 * node idle, nothing started within the window, still commits at once; otherwise it waits at most
 * this long. Measured with `pnpm bench` back to back (2026-12-02): on two nodes, 20 ms against 10
 * ms took node CPU per delivery at 3,000 msg/s from 196 to 175 µs and MariaDB's CPU by a fifth, p99
 * the same (61 against 66 ms), p50 7 ms more; on four nodes, 25 ms against 10 ms, from 288 to 236
 * µs, MariaDB's by 30 %, p99 81 against 93 ms (the machine less busy); earlier, 12 ms against 4 ms
 * cut node CPU by a quarter. Twenty milliseconds is far below what a person notices in a chat, and
 * p50 under load is what pays for it. A connection's sends share batches too: the next frame is
 * handled as soon as a send is queued here, not once it is committed.
 */
const WINDOW_MS = 20;

interface Waiting {
  send: PreparedSend;
  resolve(result: SendResult): void;
  reject(error: Error): void;
}

/**
 * Group commit: gathers sends while the previous batch commits and for the rest of a short window
 * after it started, so that the number of batches per second is bounded by the window (50 a node
 * unless they are full), not set by the commit latency.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly insertIds: MultiRowInsertIds,
  ) {}

  /** Resolves once the send is committed (or was already); rejects with its own error otherwise. */
  submit(send: PreparedSend): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ send, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const wait = this.queue.length >= MAX_BATCH ? 0 : this.lastStart + WINDOW_MS - performance.now();
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.start(this.queue.splice(0, MAX_BATCH));
    }
  }

  private start(batch: Waiting[]): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastStart = performance.now();
    sendMetrics.batchCommitting(batch.length);
    this.inFlight++;
    this.commit(batch).finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  private async commit(batch: Waiting[]): Promise<void> {
    try {
      await failpoint('send.before-commit');
      const outcomes = await commitSends(
        this.database,
        batch.map((item) => item.send),
        this.insertIds,
      );
      // Stored, and nobody told yet: a node dying here is what a replay must repair.
      await failpoint('send.after-commit');
      outcomes.forEach((outcome, i) => {
        const item = batch[i];
        if (outcome instanceof Error) item?.reject(outcome);
        else item?.resolve(outcome);
      });
    } catch (error) {
      for (const item of batch) item.reject(error as Error);
    }
  }
}
