import { execFileSync } from 'node:child_process';
import type { RealtimeClient } from '@chat/client';
import { isRetryableError, type Message } from '@chat/protocol';
import { openDatabase } from '../src/infra/db/database.ts';

/** One send as the ledger follows it, from the client's call to the database. */
interface Entry {
  clientId: string;
  conversationId: number;
  text: string;
  sentAt: number;
  ackedAt?: number;
  /** The code the client library rejected the send with: the app was told it failed. */
  failedWith?: string;
}

/** A receiving client: what its app was handed, in the order it was handed. */
interface Recipient {
  client: RealtimeClient;
  conversationIds: Set<number>;
  /** Messages handed to the app before the final sync was asked for. */
  live: Message[];
  afterFinalSync: Message[];
}

export interface StoredRow {
  conversationId: number;
  seq: number;
  clientId: string;
  text: string;
}

/** Where the figures are read from once the fault is over: the source of truth itself. */
export interface StoreLocation {
  databaseUrl?: string;
  dataDir: string;
}

export interface Figures {
  scenario: string;
  sent: number;
  acked: number;
  /** Sends with a row in the database. */
  stored: number;
  /** Stored messages every recipient had before the final sync: pushes and the client's own resyncs. */
  live: number;
  /** Stored messages some recipient got only from the final sync. */
  afterFinalSync: number;
  /** Acked or stored, but missing from the database or from a recipient even after the final sync. */
  lost: number;
  /** Extra rows for one send, or one message handed to an app twice. */
  duplicated: number;
  /** A message handed to an app after one with a larger seq in the same conversation. */
  outOfOrder: number;
  /** Rejected although stored, or rejected with a retryable code (the library must keep those pending). */
  wronglyFailed: number;
  /** Rejected with a final code and not stored: a refusal (none of the fault scenarios should see one). */
  refused: number;
  /** Neither acked nor rejected when the ledger was tallied. */
  unsettled: number;
  /** How many rejections carried each error code. */
  failedWith: Record<string, number>;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
}

/** The p-th percentile of sorted values. */
export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

/**
 * Counts, per message, what a fault did to it: sent, acked, stored, handed to each recipient live
 * or only after a final sync, duplicated, out of order, wrongly reported failed. Every fault
 * scenario sends through one ledger and asserts on its figures, so they all mean the same.
 */
export class Ledger {
  private readonly entries = new Map<string, Entry>();
  private readonly recipients: Recipient[] = [];
  private finalSyncAsked = false;

  constructor(readonly scenario: string) {}

  /** Sends a message whose text is unique to this ledger; resolves when it is acked or rejected. */
  send(client: RealtimeClient, conversationId: number, label: string): Promise<void> {
    const text = `${this.scenario} ${label} #${this.entries.size + 1}`;
    const sentAt = performance.now();
    const { clientId, stored } = client.send({ conversationId, text });
    const entry: Entry = { clientId, conversationId, text, sentAt };
    this.entries.set(clientId, entry);
    return stored.then(
      () => {
        entry.ackedAt = performance.now();
      },
      (error: { code?: string }) => {
        entry.failedWith = error.code ?? String(error);
      },
    );
  }

  /** Records what `client`'s app is handed in the given conversations. */
  watch(client: RealtimeClient, conversationIds: number[]): void {
    const recipient: Recipient = { client, conversationIds: new Set(conversationIds), live: [], afterFinalSync: [] };
    client.on('message', (message) => {
      if (!recipient.conversationIds.has(message.conversationId)) return;
      (this.finalSyncAsked ? recipient.afterFinalSync : recipient.live).push(message);
    });
    this.recipients.push(recipient);
  }

  get sent(): number {
    return this.entries.size;
  }

  /** Sends acked so far. */
  get acked(): number {
    return [...this.entries.values()].filter((e) => e.ackedAt !== undefined).length;
  }

  /** Ack latencies of the sends made between two instants (performance.now()), sorted. */
  ackLatencies(from = 0, to = Number.POSITIVE_INFINITY): number[] {
    return [...this.entries.values()]
      .filter((e) => e.ackedAt !== undefined && e.sentAt >= from && e.sentAt < to)
      .map((e) => (e.ackedAt as number) - e.sentAt)
      .sort((a, b) => a - b);
  }

  /** Acked sends (in the given conversations, sent before an instant) some recipient's app does not have yet. */
  undelivered(filter: { conversationIds?: ReadonlySet<number>; sentBefore?: number } = {}): number {
    const acked = [...this.entries.values()].filter(
      (e) =>
        e.ackedAt !== undefined &&
        (filter.conversationIds?.has(e.conversationId) ?? true) &&
        e.sentAt < (filter.sentBefore ?? Number.POSITIVE_INFINITY),
    );
    return acked.filter((e) =>
      this.recipients.some(
        (r) => r.conversationIds.has(e.conversationId) && !r.live.some((m) => m.clientId === e.clientId),
      ),
    ).length;
  }

  /** Whether the send made with `clientId` reached every recipient of its conversation live. */
  deliveredLive(clientId: string): boolean {
    const entry = this.entries.get(clientId);
    return this.recipients.every(
      (r) => !entry || !r.conversationIds.has(entry.conversationId) || r.live.some((m) => m.clientId === clientId),
    );
  }

  /** The client id of the n-th send (1-based). */
  clientIdOf(n: number): string | undefined {
    return [...this.entries.keys()][n - 1];
  }

  /** Waits until every send is acked or rejected, or the time is up. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const unsettled = () =>
      [...this.entries.values()].some((e) => e.ackedAt === undefined && e.failedWith === undefined);
    while (unsettled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /**
   * Asks every recipient to sync and waits for the answers: what arrives from here on was not
   * delivered by the client library on its own.
   */
  async finalSync(timeoutMs = 10_000): Promise<void> {
    this.finalSyncAsked = true;
    // A closed client cannot sync; whatever it lacks is counted as lost.
    await Promise.all(
      this.recipients
        .filter((r) => r.client.isOpen)
        .map(
          (r) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(done, timeoutMs);
              const off = r.client.on('synced', done);
              function done() {
                clearTimeout(timer);
                off();
                resolve();
              }
              r.client.sync();
            }),
        ),
    );
  }

  /** Reads what the database holds for the ledger's conversations and counts. */
  async tally(store: StoreLocation): Promise<Figures> {
    const rows = await readStored(store, [...new Set([...this.entries.values()].map((e) => e.conversationId))]);
    return this.count(rows);
  }

  count(rows: StoredRow[]): Figures {
    const entries = [...this.entries.values()];
    const rowsByClientId = new Map<string, StoredRow[]>();
    for (const row of rows) rowsByClientId.set(row.clientId, [...(rowsByClientId.get(row.clientId) ?? []), row]);
    const isStored = (e: Entry) => rowsByClientId.has(e.clientId);

    let duplicated = 0;
    let outOfOrder = 0;
    for (const rowsOfSend of rowsByClientId.values()) duplicated += rowsOfSend.length - 1;
    for (const r of this.recipients) {
      const handed = [...r.live, ...r.afterFinalSync];
      duplicated += handed.length - new Set(handed.map((m) => m.id)).size;
      const lastSeq = new Map<number, number>();
      for (const m of handed) {
        // Equal seqs are a duplicate, counted above.
        if (m.seq < (lastSeq.get(m.conversationId) ?? 0)) outOfOrder++;
        lastSeq.set(m.conversationId, Math.max(m.seq, lastSeq.get(m.conversationId) ?? 0));
      }
    }

    const reached = (e: Entry, r: Recipient, list: Message[]) =>
      !r.conversationIds.has(e.conversationId) || list.some((m) => m.clientId === e.clientId);
    const stored = entries.filter(isStored);
    const live = stored.filter((e) => this.recipients.every((r) => reached(e, r, r.live)));
    const delivered = stored.filter((e) =>
      this.recipients.every((r) => reached(e, r, [...r.live, ...r.afterFinalSync])),
    );
    const lost = entries.filter((e) => (e.ackedAt !== undefined || isStored(e)) && !delivered.includes(e)).length;
    const failed = entries.filter((e) => e.failedWith !== undefined);
    const wronglyFailed = failed.filter((e) => isStored(e) || isRetryableError(e.failedWith as string)).length;
    const latencies = this.ackLatencies();
    return {
      scenario: this.scenario,
      sent: entries.length,
      acked: entries.filter((e) => e.ackedAt !== undefined).length,
      stored: stored.length,
      live: live.length,
      afterFinalSync: delivered.length - live.length,
      lost,
      duplicated,
      outOfOrder,
      wronglyFailed,
      refused: failed.length - wronglyFailed,
      unsettled: entries.filter((e) => e.ackedAt === undefined && e.failedWith === undefined).length,
      failedWith: Object.fromEntries(
        [...new Set(failed.map((e) => e.failedWith as string))].map((code) => [
          code,
          failed.filter((e) => e.failedWith === code).length,
        ]),
      ),
      ackP50Ms: Math.round(percentile(latencies, 50)),
      ackP99Ms: Math.round(percentile(latencies, 99)),
      ackMaxMs: Math.round(latencies.at(-1) ?? 0),
    };
  }
}

/** The messages of some conversations, read with the app's own database adapter. */
async function readStored(store: StoreLocation, conversationIds: number[]): Promise<StoredRow[]> {
  if (conversationIds.length === 0) return [];
  const handle = openDatabase({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
  try {
    const rows = await handle.db
      .selectFrom('messages')
      .select(['conversation_id', 'seq', 'client_id', 'text'])
      .where('conversation_id', 'in', conversationIds)
      .orderBy('conversation_id')
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      conversationId: Number(row.conversation_id),
      seq: Number(row.seq),
      clientId: row.client_id,
      text: row.text,
    }));
  } finally {
    await handle.close();
  }
}

/** The commit the figures were measured on, for the README. */
function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** One line per scenario, picked up for the README's Reliability section. */
export function printFigures(figures: Figures, extra: Record<string, unknown> = {}): void {
  console.log(`fault-figures ${JSON.stringify({ ...figures, ...extra, commit: commit() })}`);
}
