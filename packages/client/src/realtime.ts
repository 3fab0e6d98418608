import type { ClientFrame, Message, Presence, PublicUser, ServerFrame, ServerFrameOf } from '@chat/protocol';
import { type ChangeFrame, ChangeLedger } from './change-ledger.ts';
import { Connection, type ConnectionOptions, type ConnectionState } from './connection.ts';
import { Emitter } from './emitter.ts';
import { deleted, edited, hasReacted, MessageStates, reacted } from './message-states.ts';
import type { OutboxStorage } from './outbox-storage.ts';
import { newClientId, type PendingSend, SendLedger, type SendRequest } from './send-ledger.ts';
import { SyncState } from './sync.ts';

export interface RealtimeEvents extends Record<string, unknown> {
  /** Each message once, in seq order per conversation: received, synced, or one's own once acked. */
  message: Message;
  ack: ServerFrameOf<'ack'>;
  /**
   * A message shows a new state: changed by someone (live or synced), changed by this user (at
   * once, before the server answers), or rolled back (the server refused the change). Replace the
   * message with the same id.
   */
  message_changed: Message;
  /** The user deleted a message for themselves (here or on another connection): drop it. */
  message_hidden: ServerFrameOf<'message_hidden'>;
  /** Only a frame that moves a cursor; `unread` recomputed from the newest cursors. */
  unread: ServerFrameOf<'unread'>;
  read: ServerFrameOf<'read'>;
  typing: ServerFrameOf<'typing'>;
  /** Only a state newer (by version) than any known for the user, from frames or notePresence. */
  presence: ServerFrameOf<'presence'>;
  conversation_hidden: ServerFrameOf<'conversation_hidden'>;
  /** This user blocked or unblocked someone (here or on another connection). */
  block_changed: ServerFrameOf<'block_changed'>;
  conversation_muted: ServerFrameOf<'conversation_muted'>;
  /** A peer deleted their account: show `user` (deleted) in their place; sending to them is refused. */
  user_deleted: ServerFrameOf<'user_deleted'>;
  /** Someone shown (or this user, on another tab) changed their display name or picture. */
  profile: ServerFrameOf<'profile'>;
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

/** What a change hands back at once: the state the message shows now, and the server's answer. */
export interface ChangeHandle {
  clientId: string;
  /** The message as it shows until the server answers (also emitted as `message_changed`). */
  shown: Message;
  /** The state the server holds after the change; rejects with a ChangeError when refused (rolled back). */
  settled: Promise<Message>;
}

/**
 * The realtime client: a connection that reconnects (Connection), ledgers that get every send
 * stored exactly once (SendLedger) and every change applied (ChangeLedger), what changed messages
 * show (MessageStates), and the catching up that hands the app each message and change once and
 * in order (SyncState). This class only wires them together.
 */
export class RealtimeClient extends Emitter<RealtimeEvents> {
  private readonly connection: Connection;
  private readonly ledger: SendLedger;
  private readonly state: SyncState;
  private readonly changes: ChangeLedger;
  private readonly messages: MessageStates;
  private watched: number[] = [];
  private userId = 0;

  constructor(options: RealtimeOptions = {}) {
    super();
    this.connection = new Connection(options, {
      frame: (frame) => this.handle(frame),
      status: (status) => this.emit('status', status),
    });
    this.ledger = new SendLedger((frame) => this.transmit(frame), options.outbox);
    this.changes = new ChangeLedger((frame) => this.transmit(frame));
    this.messages = new MessageStates((message) => this.emit('message_changed', message));
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
    this.changes.close();
    this.connection.close();
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /**
   * The app has a conversation up to `seq` (from REST): only what comes after is delivered. Pass the
   * summary's `lastChangeSeq` as `changeSeq` when the history was loaded after the summary.
   */
  setCursor(conversationId: number, seq: number, changeSeq?: number): void {
    this.state.setCursor(conversationId, seq, changeSeq);
  }

  /** Messages the app loaded over REST: a late frame with an older state of one of them is not shown. */
  noteMessages(messages: readonly Message[]): void {
    for (const message of messages) this.messages.note(message);
  }

  /** Edits one of the user's messages; shown edited at once, rolled back if refused. */
  edit(message: Message, text: string): ChangeHandle {
    return this.change(message, { type: 'edit', messageId: message.id, text }, (m) => edited(m, text, Date.now()));
  }

  /** Deletes one of the user's messages for everyone; shown deleted at once, rolled back if refused. */
  remove(message: Message): ChangeHandle {
    return this.change(message, { type: 'delete', messageId: message.id, forEveryone: true }, (m) =>
      deleted(m, Date.now()),
    );
  }

  /** Hides a message for this user only ("delete for me"); resolves once the server has it. */
  hide(message: Message): Promise<Message> {
    const frame = { type: 'delete', clientId: newClientId(), messageId: message.id, forEveryone: false } as const;
    return this.changes.submit(frame);
  }

  /** Adds (or with `on: false` takes back) the user's reaction; toggles when `on` is not given. */
  react(message: Message, emoji: string, on?: boolean): ChangeHandle {
    const current = this.messages.view(message.id) ?? message;
    const wanted = on ?? !hasReacted(current, this.userId, emoji);
    return this.change(message, { type: 'react', messageId: message.id, emoji, on: wanted }, (m) =>
      reacted(m, this.userId, emoji, wanted),
    );
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

  private change(
    message: Message,
    request: DistributiveOmit<ChangeFrame, 'clientId'>,
    apply: (message: Message) => Message,
  ): ChangeHandle {
    const clientId = newClientId();
    const shown = this.messages.propose(clientId, message, apply);
    const settled = this.changes.submit({ ...request, clientId } as ChangeFrame);
    void settled.then(
      (stored) => {
        this.messages.note(stored);
        this.messages.settle(clientId);
      },
      () => this.messages.settle(clientId),
    );
    return { clientId, shown, settled };
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
        this.messages.note(frame.message);
        this.state.received(frame.message);
        break;
      case 'ack':
        this.emit('ack', frame);
        this.ledger.acked(frame);
        this.state.own(frame.message);
        break;
      case 'message_changed':
        this.state.changed(frame.message);
        this.messages.confirm(frame.message);
        break;
      case 'change_ack':
        this.changes.acked(frame);
        break;
      case 'error':
        if (frame.frame === 'sync') this.state.syncRefused();
        if (!this.ledger.failed(frame) && this.changes.failed(frame) === 'unknown') this.emit('error', frame);
        break;
      case 'synced':
        this.state.synced(frame);
        this.emit('synced', frame);
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
    this.userId = frame.userId;
    const catchUp = this.state.ready(frame);
    this.emit('ready', frame);
    if (this.watched.length > 0) this.transmit({ type: 'watch_presence', userIds: this.watched });
    if (catchUp) this.sync();
    this.ledger.resendAll();
    this.changes.resendAll();
  }
}

/** Omit over each member of a union, so that the discriminant stays. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
