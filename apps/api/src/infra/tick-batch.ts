/**
 * Keys one query reads at most: an IN list of this size is one index range scan on MySQL and far
 * below SQLite's 32,766 bound variables, and a bigger wave is read in several queries at once.
 */
const MAX_KEYS_PER_LOAD = 500;
/**
 * While reads come in waves, one starts at most this often, unless a whole query's worth of keys
 * waits: each read costs a round trip, a write to the database's socket and a query whatever it
 * carries, so reading again the moment the last read returned made a node on a slow machine
 * (connects spread out, reads quick) run one query per key. Storms of 10,000 reconnects back to
 * back (2026-12-03, two nodes): no window against 10 ms, 32.3 against 21.4 s on a slow machine,
 * 15.5 against 12.2 s on a fast one; later, with a sync's pages read together, 10 ms against 25 ms
 * over four runs each, 17.4-26.8 s (mean 21.7) against 14.9-20.1 s (mean 16.7), MariaDB 3.8-6.5
 * against 2.4-3.9 CPU-s; 50 ms did no better than 25. A session lookup or a sync waits at most this
 * long in a wave (a reconnect's four or five reads, about a tenth of a second); outside one a read
 * does not wait, unless its batch windows every read (see TickBatchOptions).
 */
export const READ_WINDOW_MS = 25;

export interface TickBatchOptions {
  /**
   * For reads a connect makes once (presence's, a sync's memberships): the window holds after
   * every read, wave or not. A storm's connects can come spread out, each read over before the next
   * is asked, and then only the window puts several keys in one query (see READ_WINDOW_MS for a
   * slow machine's storm); a reconnect does not notice 25 ms. Reads behind requests leave it off.
   */
  windowEveryRead?: boolean;
}

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

/**
 * Coalesces keyed reads into one call of `load`, each key once, the way the send path's group commit
 * batches writes. A wave of reconnects asks the same question of thousands of users within a
 * second, each alone costing a round trip and a write to the database's socket: while one read is
 * in flight the keys asked for meanwhile wait for it to end and then go together, no sooner than
 * READ_WINDOW_MS after it started; the busier the database, the longer a read takes and the more
 * the next one carries. A wave begins when keys queue behind a read in flight and lasts while the
 * reads made in it still carry several keys. Outside a wave a read starts on the next tick (unless
 * `windowEveryRead`), so a lone caller, even one whose request reads several keys at once, never
 * waits for the window (it made each of a client's requests in turn wait: 400 searches one after
 * another, p50 24.8 ms against 1.3 ms without it). A read starts no earlier than it was asked for,
 * so it sees what it would have seen alone, or newer.
 */
export class TickBatch<K, V> {
  private waiting = new Map<K, Waiter<V>[]>();
  /** The next read, when one is due: on the next tick, or later within the window (cancel it to start sooner). */
  private next: { soon: boolean; cancel(): void } | undefined;
  private loading = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  /** Whether the last read was part of a wave: keys queued behind it, or it was read in one and carried several. */
  private inWave = false;

  constructor(
    private readonly load: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
    private readonly options: TickBatchOptions = {},
  ) {}

  /** The value `load` gives for `key`, or undefined when it gives none. */
  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.loading || this.next?.soon) return;
    const windowed = this.inWave || this.options.windowEveryRead === true;
    const wait =
      !windowed || this.waiting.size >= MAX_KEYS_PER_LOAD ? 0 : this.lastStart + READ_WINDOW_MS - performance.now();
    if (this.next && wait > 0) return;
    this.next?.cancel();
    const go = () => {
      this.next = undefined;
      void this.flush(windowed);
    };
    if (wait > 0) {
      const timer = setTimeout(go, wait);
      this.next = { soon: false, cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(go);
      this.next = { soon: true, cancel: () => clearImmediate(immediate) };
    }
  }

  /** `windowed`: whether this read was scheduled in a wave (or by a batch that windows every read). */
  private async flush(windowed: boolean): Promise<void> {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.loading = true;
    this.lastStart = performance.now();
    const keys = [...waiting.keys()];
    const chunks = Array.from({ length: Math.ceil(keys.length / MAX_KEYS_PER_LOAD) }, (_, i) =>
      keys.slice(i * MAX_KEYS_PER_LOAD, (i + 1) * MAX_KEYS_PER_LOAD),
    );
    const answers = await Promise.all(
      chunks.map((chunk) =>
        // Called inside a promise, so a load that throws rather than rejects fails its callers too.
        Promise.resolve(chunk)
          .then(this.load)
          .then(
            (values) => ({ chunk, values }),
            (error: unknown) => ({ chunk, error }),
          ),
      ),
    );
    // Judged before anyone is answered: a caller that asks again on its answer did not queue behind this read.
    this.loading = false;
    this.inWave = this.waiting.size > 0 || (windowed && keys.length > 1);
    for (const answer of answers) {
      for (const key of answer.chunk) {
        for (const waiter of waiting.get(key) ?? []) {
          if ('values' in answer) waiter.resolve(answer.values.get(key));
          else waiter.reject(answer.error);
        }
      }
    }
    if (this.waiting.size > 0) this.schedule();
  }
}
