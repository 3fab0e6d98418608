import { type ClientFrame, isRetryableError, type Message, type ServerFrameOf } from '@chat/protocol';
import { resendDelay } from './backoff.ts';

export type ChangeFrame = Extract<ClientFrame, { type: 'edit' | 'delete' | 'react' }>;

/**
 * The server refused a change for good (`not_own_message`, `edit_window_passed`, `message_deleted`,
 * `invalid_reaction`, `empty_message`, `validation_failed`, `not_found`, `rate_limited`): the message
 * is as it was, and the same change again will not help.
 */
export class ChangeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChangeError';
  }
}

interface Entry {
  frame: ChangeFrame;
  resolve(message: Message): void;
  reject(error: ChangeError): void;
  failures: number;
  retryTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Changes (edit, delete, react) from the moment the app makes them until the server answers them
 * for good, as the send ledger does for sends: a lost connection or a retryable error sends the
 * change again under its client id. Each change frame states the state it wants, so a change the
 * server applied before the answer was lost is harmless to resend. Changes live in memory only: a
 * change is a moment's gesture, unlike a typed message worth keeping across a reload.
 */
export class ChangeLedger {
  private readonly pending = new Map<string, Entry>();

  constructor(
    /** Sends the frame if the connection is open; a frame not sent goes out with the next resendAll. */
    private readonly transmit: (frame: ClientFrame) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** Resolves with the message's state after the change; rejects with a ChangeError when refused. */
  submit(frame: ChangeFrame): Promise<Message> {
    const settled = new Promise<Message>((resolve, reject) => {
      this.pending.set(frame.clientId, { frame, resolve, reject, failures: 0 });
    });
    this.transmit(frame);
    return settled;
  }

  /** A (re)opened connection: every change still unanswered goes out again. */
  resendAll(): void {
    for (const entry of this.pending.values()) {
      entry.failures = 0;
      this.resend(entry);
    }
  }

  /** Returns false when the answer is to no change of this client's. */
  acked(frame: ServerFrameOf<'change_ack'>): boolean {
    const entry = this.settle(frame.clientId);
    entry?.resolve(frame.message);
    return entry !== undefined;
  }

  /** `refused`: settled for good; `retrying`: still pending; `unknown`: the error answers no change. */
  failed(frame: ServerFrameOf<'error'>): 'refused' | 'retrying' | 'unknown' {
    const entry = frame.clientId === undefined ? undefined : this.pending.get(frame.clientId);
    if (!entry) return 'unknown';
    if (isRetryableError(frame.code)) {
      clearTimeout(entry.retryTimer);
      entry.retryTimer = setTimeout(() => this.resend(entry), resendDelay(entry.failures, this.random));
      entry.failures++;
      return 'retrying';
    }
    this.settle(entry.frame.clientId);
    entry.reject(new ChangeError(frame.code, frame.message));
    return 'refused';
  }

  close(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.retryTimer);
  }

  private resend(entry: Entry): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    this.transmit(entry.frame);
  }

  private settle(clientId: string): Entry | undefined {
    const entry = this.pending.get(clientId);
    if (!entry) return undefined;
    clearTimeout(entry.retryTimer);
    this.pending.delete(clientId);
    return entry;
  }
}
