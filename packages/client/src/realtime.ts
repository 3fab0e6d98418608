import type { ClientFrame, Message, Presence, PublicUser, ServerFrame, ServerFrameOf } from '@chat/protocol';
import { Connection, type ConnectionOptions, type ConnectionState } from './connection.ts';
import { Emitter } from './emitter.ts';
import type { OutboxStorage } from './outbox-storage.ts';
import { type PendingSend, SendLedger, type SendRequest } from './send-ledger.ts';
import { SyncState } from './sync.ts';

export interface RealtimeEvents extends Record<string, unknown> {
  /** Each message once, in seq order per conversation: received, synced, or one's own once acked. */
  message: Message;
  ack: ServerFrameOf<'ack'>;
  /** Only a frame that moves a cursor; `unread` recomputed from the newest cursors. */
  unread: ServerFrameOf<'unread'>;
  read: ServerFrameOf<'read'>;
  typing: ServerFrameOf<'typing'>;
  /** Only a state newer (by version) than any known for the user, from frames or notePresence. */
  presence: ServerFrameOf<'presence'>;
  conversation_hidden: ServerFrameOf<'conversation_hidden'>;
  synced: ServerFrameOf<'synced'>;
  /** An error frame that answered no pending send (those settle their send instead). */
  error: ServerFrameOf<'error'>;
  status: ConnectionState;
  ready: ServerFrameOf<'ready'>;
}

export interface RealtimeOptions extends ConnectionOptions {
  /** A message still ahead of a gap this long asks the server for what is missing. */
  gapTimeoutMs?: number;
  /** Where pending sends are kept to outlive the app; by default they live in memory only. */
  outbox?: OutboxStorage;
}

/**
 * The realtime client: a connection that reconnects (Connection), a ledger that gets every send
 * stored exactly once (SendLedger), and the catching up that hands the app each message once and
 * in order (SyncState). This class only wires them together.
 */
export class RealtimeClient extends Emitter<RealtimeEvents> {
  private readonly connection: Connection;
  private readonly ledger: SendLedger;
  private readonly state: SyncState;
  private watched: number[] = [];

  constructor(options: RealtimeOptions = {}) {
    super();
    this.connection = new Connection(options, {
      frame: (frame) => this.handle(frame),
      status: (status) => this.emit('status', status),
    });
    this.ledger = new SendLedger((frame) => this.transmit(frame), options.outbox);
    this.state = new SyncState(
      { deliver: (message) => this.emit('message', message), requestSync: () => this.sync() },
      options.gapTimeoutMs,
    );
  }

  /** Opens the connection and keeps it open until close(). */
  connect(): void {
    this.connection.connect();
  }

  /**
   * Reconnects at once, with the back-off reset: for when the app knows the network is back (the
   * browser's `online` event) and waiting out a long back-off would only delay the user.
   */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** Closes for good; sends still pending stay in the outbox storage for the next start. */
  close(): void {
    this.state.close();
    this.ledger.close();
    this.connection.close();
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** The app has a conversation up to `seq` (from REST): only what comes after is delivered. */
  setCursor(conversationId: number, seq: number): void {
    this.state.setCursor(conversationId, seq);
  }

  forgetConversation(conversationId: number): void {
    this.state.forget(conversationId);
  }

  /**
   * Sends a message; resolves with the stored message once the server acks it, rejects with a
   * SendError only when the server refused it for good. While disconnected, or after an error
   * that leaves its fate unknown, the send waits and goes out again with the same client id, so
   * it is stored once.
   */
  send(request: SendRequest): { clientId: string; stored: Promise<Message> } {
    return this.ledger.send(request);
  }

  /** Client ids sent but not yet acknowledged. */
  get unacknowledged(): string[] {
    return this.ledger.list().map((pending) => pending.record.clientId);
  }

  /** Sends not answered yet, those restored from the outbox storage included: to show them as sending. */
  pendingSends(): PendingSend[] {
    return this.ledger.list();
  }

  /**
   * Users from a REST answer: their presence is kept where it is newer than what is known (a
   * snapshot that left before a live event must not undo it). Returns the newest presence per user.
   */
  notePresence(users: readonly PublicUser[]): Map<number, Presence> {
    return new Map(users.map((user) => [user.id, this.state.notePresence(user.id, user.presence).presence]));
  }

  read(conversationId: number, seq: number): void {
    this.transmit({ type: 'read', conversationId, seq });
  }

  typing(conversationId: number): void {
    this.transmit({ type: 'typing', conversationId });
  }

  /** The users on screen whose presence should be pushed (kept across reconnects). */
  watchPresence(userIds: number[]): void {
    this.watched = [...new Set(userIds)];
    this.transmit({ type: 'watch_presence', userIds: this.watched });
  }

  /** Asks the server for whatever this client may have missed. */
  sync(): void {
    this.transmit(this.state.syncFrame());
  }

  private transmit(frame: ClientFrame): void {
    this.connection.transmit(frame);
  }

  private handle(frame: ServerFrame): void {
    this.state.observe(frame);
    switch (frame.type) {
      case 'ready':
        this.onReady(frame);
        break;
      case 'message':
        this.state.received(frame.message);
        break;
      case 'ack':
        this.emit('ack', frame);
        this.ledger.acked(frame);
        this.state.own(frame.message);
        break;
      case 'error':
        if (!this.ledger.failed(frame)) this.emit('error', frame);
        break;
      case 'resync':
        this.sync();
        break;
      case 'unread': {
        const newer = this.state.unread(frame);
        if (newer) this.emit('unread', newer);
        break;
      }
      case 'presence':
        if (this.state.notePresence(frame.userId, frame.presence).changed) this.emit('presence', frame);
        break;
      case 'conversation_hidden':
        this.state.forget(frame.conversationId);
        this.emit('conversation_hidden', frame);
        break;
      default:
        this.emit(frame.type, frame as never);
    }
  }

  private onReady(frame: ServerFrameOf<'ready'>): void {
    const catchUp = this.state.ready(frame);
    this.emit('ready', frame);
    if (this.watched.length > 0) this.transmit({ type: 'watch_presence', userIds: this.watched });
    if (catchUp) this.sync();
    this.ledger.resendAll();
  }
}
