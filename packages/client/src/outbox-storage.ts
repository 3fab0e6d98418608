/** A send not yet acknowledged, as kept across restarts of the app (a page reload, a crash). */
export interface PendingSendRecord {
  /** The id the server stores the message under: a resend with it can never store a second copy. */
  clientId: string;
  conversationId?: number;
  /** The peer, for a first message that opens the conversation. */
  userId?: number;
  text: string;
  attachmentId?: string;
  /** The message it answers. */
  replyToId?: number;
  /** When the user sent it (this device's clock): to show it in its place while it is pending. */
  createdAt: number;
}

/**
 * Where the send ledger keeps pending sends, so that they survive the app: each is saved before it
 * is transmitted and removed once acked or refused for good; on start the ledger loads and resends
 * them under their original client ids. Writes must be durable when they return (a reload may
 * follow at once). Several instances of the app may share one storage (tabs of a browser): a
 * resend by another instance is harmless, as the server stores one message per client id.
 */
export interface OutboxStorage {
  load(): PendingSendRecord[];
  /** Adds the record, or replaces the one with its client id. */
  save(record: PendingSendRecord): void;
  remove(clientId: string): void;
}

/** Keeps nothing across restarts: the default, for clients whose sends need not outlive the process. */
export function memoryOutbox(): OutboxStorage {
  const records = new Map<string, PendingSendRecord>();
  return {
    load: () => [...records.values()],
    save: (record) => void records.set(record.clientId, record),
    remove: (clientId) => void records.delete(clientId),
  };
}
