import {
  CLOSE_CODES,
  type Message,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_PARAM,
  parseServerFrame,
  type ServerFrame,
  type ServerFrameOf,
} from '@chat/protocol';
import { ApiError } from './api.ts';
import { reconnectDelay } from './backoff.ts';
import { Emitter } from './emitter.ts';
import { Sequencer } from './sequencer.ts';

/** The part of the WebSocket API used here: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'waiting'; attempt: number; retryInMs: number }
  /** The server refused for good (signed out, unverified, protocol too old): reconnecting would not help. */
  | { state: 'refused'; code: string; message: string }
  | { state: 'closed' };

export interface RealtimeEvents extends Record<string, unknown> {
  /** Each message once, in seq order per conversation: received, synced, or one's own once acked. */
  message: Message;
  ack: ServerFrameOf<'ack'>;
  unread: ServerFrameOf<'unread'>;
  read: ServerFrameOf<'read'>;
  typing: ServerFrameOf<'typing'>;
  presence: ServerFrameOf<'presence'>;
  conversation_hidden: ServerFrameOf<'conversation_hidden'>;
  synced: ServerFrameOf<'synced'>;
  /** An error frame that answered no pending send (those reject their promise instead). */
  error: ServerFrameOf<'error'>;
  status: ConnectionState;
  ready: ServerFrameOf<'ready'>;
}

export interface RealtimeOptions {
  /** The server's HTTP origin, e.g. http://localhost:3000; in a browser, omit it for the page's origin. */
  baseUrl?: string;
  WebSocket?: WebSocketConstructor;
  /** For clients without cookies: returns a fresh ticket (`ChatApi.wsTicket`) before each connect. */
  ticket?: () => Promise<string>;
  /** A message still ahead of a gap this long asks the server for what is missing. */
  gapTimeoutMs?: number;
}

export interface SendRequest {
  conversationId?: number;
  userId?: number;
  text: string;
  /** An upload's id (`ChatApi.upload`): the message carries that picture; `text` may then be empty. */
  attachmentId?: string;
  /** Reuse to retry a send: the server stores one message per client id. */
  clientId?: string;
}

/** A send the server refused (too long, rate limited…): `code` says why; the message was not stored. */
export class SendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

interface PendingSend {
  stored: Promise<Message>;
  frame: {
    type: 'send';
    clientId: string;
    conversationId?: number;
    userId?: number;
    text: string;
    attachmentId?: string;
  };
  resolve(message: Message): void;
  reject(error: SendError): void;
}

/** Close codes after which reconnecting cannot help. */
const FINAL_CLOSE_CODES = new Set<number>([
  CLOSE_CODES.policyViolation,
  CLOSE_CODES.protocolVersionUnsupported,
  CLOSE_CODES.unauthenticated,
  CLOSE_CODES.forbidden,
]);
const OPEN = 1;

/**
 * A fresh client message id: 128 random bits in hex. getRandomValues, unlike randomUUID, also
 * works on pages served over plain http.
 */
export const newClientId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(
    '',
  );

/**
 * The realtime connection: connects, reconnects with back-off, catches up after every reconnect
 * (sync from its cursors), resends unacknowledged sends with their original ids, and hands the
 * app each message once and in order.
 */
export class RealtimeClient extends Emitter<RealtimeEvents> {
  private socket: WebSocketLike | undefined;
  private readonly pending = new Map<string, PendingSend>();
  private readonly sequencer: Sequencer;
  private readonly gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly unreadCursors = new Map<number, { lastSeq: number; readSeq: number }>();
  private watched: number[] = [];
  private attempt = 0;
  private stopped = true;
  private connectedOnce = false;
  private lastServerTime = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private refusal: { code: string; message: string } | undefined;

  constructor(private readonly options: RealtimeOptions = {}) {
    super();
    this.sequencer = new Sequencer(
      (message) => this.emit('message', message),
      (conversationId) => this.scheduleGapCheck(conversationId),
    );
  }

  /** Opens the connection and keeps it open until close(). */
  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.open();
  }

  /**
   * Reconnects at once, with the back-off reset: for when the app knows the network is back (the
   * browser's `online` event) and waiting out a long back-off would only delay the user.
   */
  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    const socket = this.socket;
    this.socket = undefined;
    this.connectedOnce = false;
    this.stopHeartbeat();
    socket?.close(CLOSE_CODES.normal, 'reconnecting');
    void this.open();
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
    this.socket?.close(CLOSE_CODES.normal, 'client closed');
    this.socket = undefined;
    this.emit('status', { state: 'closed' });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN && this.connectedOnce;
  }

  /** The app has a conversation up to `seq` (from REST): only what comes after is delivered. */
  setCursor(conversationId: number, seq: number): void {
    this.sequencer.advance(conversationId, seq);
  }

  forgetConversation(conversationId: number): void {
    this.sequencer.forget(conversationId);
  }

  /**
   * Sends a message; resolves with the stored message once the server acks it. While disconnected
   * the send waits and goes out (with the same client id) after reconnecting, so it is stored once.
   */
  send(request: SendRequest): { clientId: string; stored: Promise<Message> } {
    const clientId = request.clientId ?? newClientId();
    const existing = this.pending.get(clientId);
    if (existing) {
      // A retry of a send still in flight: the server stores it once and acks it; one promise serves both.
      this.transmit(existing.frame);
      return { clientId, stored: existing.stored };
    }
    const frame = {
      type: 'send' as const,
      clientId,
      text: request.text,
      ...(request.conversationId !== undefined ? { conversationId: request.conversationId } : {}),
      ...(request.userId !== undefined ? { userId: request.userId } : {}),
      ...(request.attachmentId !== undefined ? { attachmentId: request.attachmentId } : {}),
    };
    let settle!: Pick<PendingSend, 'resolve' | 'reject'>;
    const stored = new Promise<Message>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.pending.set(clientId, { stored, frame, ...settle });
    this.transmit(frame);
    return { clientId, stored };
  }

  /** Client ids sent but not yet acknowledged. */
  get unacknowledged(): string[] {
    return [...this.pending.keys()];
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
    this.transmit({ type: 'sync', cursors: this.sequencer.cursors(), since: this.lastServerTime });
  }

  private transmit(frame: object): void {
    if (this.socket?.readyState === OPEN && this.connectedOnce) this.socket.send(JSON.stringify(frame));
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.connectedOnce = false;
    this.emit('status', { state: 'connecting', attempt: this.attempt });
    let url: string;
    try {
      url = await this.socketUrl();
    } catch (error) {
      if (this.stopped) return;
      // A ticket is had from the session: one that ended (or is not allowed to chat) will not give one on retry either.
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        this.refuse({ code: error.code, message: error.message });
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const Impl = this.options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    if (!Impl) throw new Error('No WebSocket implementation: pass one (e.g. from the ws package) in the options.');
    const socket = new Impl(url);
    this.socket = socket;
    this.refusal = undefined;
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.connectedOnce = false;
      this.stopHeartbeat();
      if (this.stopped) return;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.refuse(this.refusal ?? { code: 'refused', message: event.reason || 'The server refused the connection.' });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private async socketUrl(): Promise<string> {
    const base = this.options.baseUrl || (globalThis as { location?: { origin: string } }).location?.origin || '';
    const url = new URL('/ws', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set(PROTOCOL_VERSION_PARAM, String(PROTOCOL_VERSION));
    if (this.options.ticket) url.searchParams.set('ticket', await this.options.ticket());
    return url.toString();
  }

  /** Stops for good: reconnecting would get the same answer. */
  private refuse(refusal: { code: string; message: string }): void {
    this.stopped = true;
    this.emit('status', { state: 'refused', ...refusal });
  }

  private scheduleReconnect(): void {
    const retryInMs = reconnectDelay(this.attempt);
    this.emit('status', { state: 'waiting', attempt: this.attempt, retryInMs });
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), retryInMs);
  }

  private receive(raw: string): void {
    this.lastFrameAt = Date.now();
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) return; // A newer server may add frames; this client ignores what it does not know.
    this.handle(parsed.frame);
  }

  private handle(frame: ServerFrame): void {
    if ('serverTime' in frame && frame.type !== 'ready') {
      this.lastServerTime = Math.max(this.lastServerTime, frame.serverTime);
    }
    switch (frame.type) {
      case 'ready':
        this.onReady(frame);
        break;
      case 'message':
        this.sequencer.push(frame.message);
        break;
      case 'ack':
        this.onAck(frame);
        break;
      case 'error':
        this.onError(frame);
        break;
      case 'resync':
        this.sync();
        break;
      case 'synced':
        this.emit('synced', frame);
        break;
      case 'pong':
        break;
      case 'unread':
        this.onUnread(frame);
        break;
      case 'conversation_hidden':
        this.sequencer.forget(frame.conversationId);
        this.unreadCursors.delete(frame.conversationId);
        this.emit('conversation_hidden', frame);
        break;
      default:
        this.emit(frame.type, frame as never);
    }
  }

  /**
   * Frames from different nodes can overtake each other; both cursors only grow, so the newest
   * state is the largest of each. A frame that moves neither is stale and goes no further.
   */
  private onUnread(frame: ServerFrameOf<'unread'>): void {
    const known = this.unreadCursors.get(frame.conversationId);
    const lastSeq = Math.max(frame.lastSeq, known?.lastSeq ?? 0);
    const readSeq = Math.max(frame.readSeq, known?.readSeq ?? 0);
    if (known && lastSeq === known.lastSeq && readSeq === known.readSeq) return;
    this.unreadCursors.set(frame.conversationId, { lastSeq, readSeq });
    this.emit('unread', { ...frame, lastSeq, readSeq, unread: Math.max(0, lastSeq - readSeq) });
  }

  private onAck(frame: ServerFrameOf<'ack'>): void {
    const pending = this.pending.get(frame.clientId);
    this.pending.delete(frame.clientId);
    this.emit('ack', frame);
    pending?.resolve(frame.message);
    this.sequencer.pushOwn(frame.message);
  }

  private onError(frame: ServerFrameOf<'error'>): void {
    if (!this.connectedOnce) this.refusal = { code: frame.code, message: frame.message };
    const pending = frame.clientId ? this.pending.get(frame.clientId) : undefined;
    if (!pending || !frame.clientId) {
      this.emit('error', frame);
      return;
    }
    this.pending.delete(frame.clientId);
    pending.reject(new SendError(frame.code, frame.message));
  }

  private onReady(frame: ServerFrameOf<'ready'>): void {
    const reconnected = this.lastServerTime > 0;
    this.attempt = 0;
    this.connectedOnce = true;
    if (!reconnected) this.lastServerTime = frame.serverTime;
    this.emit('ready', frame);
    this.emit('status', { state: 'open' });
    this.startHeartbeat(frame.heartbeatIntervalMs);
    if (this.watched.length > 0) this.transmit({ type: 'watch_presence', userIds: this.watched });
    if (reconnected || this.sequencer.cursors().length > 0) this.sync();
    for (const pending of this.pending.values()) this.transmit(pending.frame);
  }

  private scheduleGapCheck(conversationId: number): void {
    if (this.gapTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.gapTimers.delete(conversationId);
      if (this.sequencer.hasGap(conversationId)) this.sync();
    }, this.options.gapTimeoutMs ?? 500);
    this.gapTimers.set(conversationId, timer);
  }

  /** Pings keep proxies from closing an idle socket and find a dead server: silence for two rounds means reconnect. */
  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.lastFrameAt = Date.now();
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastFrameAt > 2 * intervalMs) {
        this.abandon();
        return;
      }
      this.transmit({ type: 'ping' });
    }, intervalMs);
  }

  /** Gives up on a socket that went silent without closing (a dead network path) and reconnects now. */
  private abandon(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.connectedOnce = false;
    this.stopHeartbeat();
    socket?.close(CLOSE_CODES.goingAway, 'server silent');
    this.scheduleReconnect();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
