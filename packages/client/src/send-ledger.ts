import { type ClientFrame, isRetryableError, type Message, type ServerFrameOf, WS_LIMITS } from '@chat/protocol';
import { resendDelay } from './backoff.ts';
import { memoryOutbox, type OutboxStorage, type PendingSendRecord } from './outbox-storage.ts';

export interface SendRequest {
  conversationId?: number;
  userId?: number;
  text: string;
  /** An upload's id (`ChatApi.upload`): the message carries that picture; `text` may then be empty. */
  attachmentId?: string;
  /** The message this one answers, of the same conversation. */
  replyToId?: number;
  /** Reuse to retry a send: the server stores one message per client id. */
  clientId?: string;
}

/**
 * The server refused a send for good: the message was NOT stored, and sending it again unchanged
 * will not help. `code` (from the protocol's ERROR_CODES) says why: `validation_failed`,
 * `text_too_long`, `empty_message`, `cannot_message_self`, `forbidden`, `not_found`, or
 * `rate_limited` (the user may try again later, under the same client id or a new one).
 *
 * A send whose fate is not known (the connection dropped before the ack, or the server answered a
 * retryable code such as `internal_error`) never rejects: it stays pending and is resent under its
 * client id until the server acks or refuses it.
 */
export class SendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** A send on its way, as the app sees it: what was sent, and the stored message once acked. */
export interface PendingSend {
  record: PendingSendRecord;
  stored: Promise<Message>;
}

interface Entry extends PendingSend {
  resolve(message: Message): void;
  reject(error: SendError): void;
  /** Retryable answers so far, for the back-off; a reconnect starts it again. */
  failures: number;
  retryTimer?: ReturnType<typeof setTimeout>;
}

/**
 * A fresh client message id: 128 random bits in hex. getRandomValues, unlike randomUUID, also
 * works on pages served over plain http.
 */
export const newClientId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(
    '',
  );

const sendFrame = (record: PendingSendRecord): ClientFrame => ({
  type: 'send',
  clientId: record.clientId,
  text: record.text,
  ...(record.conversationId !== undefined ? { conversationId: record.conversationId } : {}),
  ...(record.userId !== undefined ? { userId: record.userId } : {}),
  ...(record.attachmentId !== undefined ? { attachmentId: record.attachmentId } : {}),
  ...(record.replyToId !== undefined ? { replyToId: record.replyToId } : {}),
});

/** Sends of a resendAll that go at once, and the pause between the others after them. */
const RESEND_AT_ONCE = WS_LIMITS.sendBurst / 2;
const RESEND_SPACING_MS = 2000 / WS_LIMITS.sendsPerSecond;
const resendAllDelay = (position: number) => Math.max(0, position - RESEND_AT_ONCE + 1) * RESEND_SPACING_MS;

/**
 * Every send from the moment the app makes it until the server answers it for good: an ack
 * resolves it, a final refusal rejects it, and anything else (a lost connection, a retryable
 * error) keeps it pending and sends it again under the same client id. Pending sends are kept in
 * the outbox storage, so that they outlive the app.
 */
export class SendLedger {
  private readonly pending = new Map<string, Entry>();

  constructor(
    /** Sends the frame if the connection is open; a frame not sent goes out with the next resendAll. */
    private readonly transmit: (frame: ClientFrame) => void,
    private readonly storage: OutboxStorage = memoryOutbox(),
    private readonly random: () => number = Math.random,
  ) {
    for (const record of storage.load()) {
      // Nobody may be waiting for a send restored from storage; its refusal must not go unhandled.
      this.add(record).stored.catch(() => {});
    }
  }

  send(request: SendRequest): { clientId: string; stored: Promise<Message> } {
    const clientId = request.clientId ?? newClientId();
    const existing = this.pending.get(clientId);
    if (existing) {
      // A retry of a send still in flight: the server stores it once and acks it; one promise serves both.
      this.resend(existing);
      return { clientId, stored: existing.stored };
    }
    const record: PendingSendRecord = {
      clientId,
      text: request.text,
      createdAt: Date.now(),
      ...(request.conversationId !== undefined ? { conversationId: request.conversationId } : {}),
      ...(request.userId !== undefined ? { userId: request.userId } : {}),
      ...(request.attachmentId !== undefined ? { attachmentId: request.attachmentId } : {}),
      ...(request.replyToId !== undefined ? { replyToId: request.replyToId } : {}),
    };
    // Saved before it leaves: a reload right after the frame went out still knows to resend it.
    this.storage.save(record);
    const entry = this.add(record);
    this.transmit(sendFrame(record));
    return { clientId, stored: entry.stored };
  }

  /** Sends not yet answered for good, oldest first: restored ones included. */
  list(): PendingSend[] {
    return [...this.pending.values()].map(({ record, stored }) => ({ record, stored }));
  }

  /**
   * A (re)opened connection: everything pending goes out again, oldest first, the back-off starting
   * over. Within the server's rate limit: an outbox that filled while the connection was away (a
   * node restarting for ten seconds) would otherwise arrive as one burst past it, and the sends
   * beyond the burst would be refused (`rate_limited`) though the user typed them at an ordinary
   * pace. Half the burst goes at once and the rest at half the rate, leaving the other half for
   * what the user sends meanwhile.
   */
  resendAll(): void {
    let position = 0;
    for (const entry of this.pending.values()) {
      entry.failures = 0;
      const delay = resendAllDelay(position++);
      if (delay === 0) this.resend(entry);
      else this.resendAfter(entry, delay);
    }
  }

  /** The server stored it: resolves the send (a repeated ack finds nothing left to do). */
  acked(frame: ServerFrameOf<'ack'>): void {
    const entry = this.settle(frame.clientId);
    entry?.resolve(frame.message);
  }

  /** Returns false when the error answers no pending send, for the caller to report elsewhere. */
  failed(frame: ServerFrameOf<'error'>): boolean {
    const entry = frame.clientId === undefined ? undefined : this.pending.get(frame.clientId);
    if (!entry) return false;
    if (isRetryableError(frame.code)) {
      this.scheduleResend(entry);
      return true;
    }
    this.settle(entry.record.clientId);
    entry.reject(new SendError(frame.code, frame.message));
    return true;
  }

  /** Stops the resend timers; pending sends stay pending (and stored) for the next start. */
  close(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.retryTimer);
  }

  private add(record: PendingSendRecord): Entry {
    let settle!: Pick<Entry, 'resolve' | 'reject'>;
    const stored = new Promise<Message>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const entry: Entry = { record, stored, failures: 0, ...settle };
    this.pending.set(record.clientId, entry);
    return entry;
  }

  private resend(entry: Entry): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    this.transmit(sendFrame(entry.record));
  }

  private scheduleResend(entry: Entry): void {
    this.resendAfter(entry, resendDelay(entry.failures, this.random));
    entry.failures++;
  }

  private resendAfter(entry: Entry, delayMs: number): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(() => this.resend(entry), delayMs);
  }

  private settle(clientId: string): Entry | undefined {
    const entry = this.pending.get(clientId);
    if (!entry) return undefined;
    clearTimeout(entry.retryTimer);
    this.pending.delete(clientId);
    this.storage.remove(clientId);
    return entry;
  }
}
