/**
 * Keys one query reads at most: an IN list of this size is one index range scan on MySQL and far
 * below SQLite's 32,766 bound variables, and a bigger wave is read in several queries at once.
 */
const MAX_KEYS_PER_LOAD = 500;

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

/**
 * Coalesces keyed reads into one call of `load`, each key once, the way the send path's group commit
 * batches writes: on an idle node a read starts on the next tick, and while one is in flight the
 * keys asked for meanwhile wait for it to end and then go together. A wave of reconnects asks the
 * same question of thousands of users within a second, each alone costing a round trip and a write
 * to the database's socket; the busier the database, the longer a read takes and the more the next
 * one carries. A read starts no earlier than it was asked for, so it sees what it would have seen
 * alone, or newer.
 */
export class TickBatch<K, V> {
  private waiting = new Map<K, Waiter<V>[]>();
  private scheduled = false;
  private loading = false;

  constructor(private readonly load: (keys: K[]) => Promise<ReadonlyMap<K, V>>) {}

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
    if (this.scheduled || this.loading) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.loading = true;
    const keys = [...waiting.keys()];
    const chunks = Array.from({ length: Math.ceil(keys.length / MAX_KEYS_PER_LOAD) }, (_, i) =>
      keys.slice(i * MAX_KEYS_PER_LOAD, (i + 1) * MAX_KEYS_PER_LOAD),
    );
    await Promise.all(
      chunks.map((chunk) =>
        this.load(chunk).then(
          (values) => {
            for (const key of chunk) for (const waiter of waiting.get(key) ?? []) waiter.resolve(values.get(key));
          },
          (error: unknown) => {
            for (const key of chunk) for (const waiter of waiting.get(key) ?? []) waiter.reject(error);
          },
        ),
      ),
    );
    this.loading = false;
    if (this.waiting.size > 0) this.schedule();
  }
}
