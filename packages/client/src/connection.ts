import {
  CLOSE_CODES,
  type ClientFrame,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_PARAM,
  parseServerFrame,
  type ServerFrame,
  type ServerFrameOf,
} from '@chat/protocol';
import { ApiError } from './api.ts';
import { reconnectDelay } from './backoff.ts';

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
/** The third argument is the `ws` package's options; only passed with a `bearerToken`, which browsers cannot send. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string[],
  options?: { headers: Record<string, string> },
) => WebSocketLike;

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'waiting'; attempt: number; retryInMs: number }
  /** The server refused for good (signed out, unverified, protocol too old): reconnecting would not help. */
  | { state: 'refused'; code: string; message: string }
  | { state: 'closed' };

export interface ConnectionOptions {
  /** The server's HTTP origin, e.g. http://localhost:3000; in a browser, omit it for the page's origin. */
  baseUrl?: string;
  WebSocket?: WebSocketConstructor;
  /** For clients without cookies: returns a fresh ticket (`ChatApi.wsTicket`) before each connect. */
  ticket?: () => Promise<string>;
  /**
   * For clients outside a browser (Node with `ws`): the session token, sent as
   * `Authorization: Bearer` on the upgrade itself, so a reconnect costs no ticket round trip.
   * Never in the URL, where logs and proxies keep it. Browsers cannot set the header: they keep
   * their cookie or single-use tickets.
   */
  bearerToken?: string;
}

export interface ConnectionHandlers {
  /** Every frame the server sent, `ready` included (the connection is open by then), except `pong`. */
  frame(frame: ServerFrame): void;
  status(status: ConnectionState): void;
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
 * One WebSocket at a time to the server, kept open until close(): connects, reconnects with
 * back-off, pings, gives up on a silent socket, and stops for good when the server refuses. It
 * knows nothing of messages: it hands every frame on.
 */
export class Connection {
  private socket: WebSocketLike | undefined;
  private attempt = 0;
  private stopped = true;
  /** The server said `ready` on the current socket: frames may be sent. */
  private ready = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  /** An error the server gave before `ready`: the reason for the close that follows. */
  private refusal: { code: string; message: string } | undefined;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {}

  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.open();
  }

  /** Drops the current socket and connects again at once, with the back-off reset. */
  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.drop(CLOSE_CODES.normal, 'reconnecting');
    void this.open();
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop(CLOSE_CODES.normal, 'client closed');
    this.handlers.status({ state: 'closed' });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN && this.ready;
  }

  /** Sends when open and returns true; otherwise drops the frame and returns false. */
  transmit(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.socket?.send(JSON.stringify(frame));
    return true;
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.ready = false;
    this.handlers.status({ state: 'connecting', attempt: this.attempt });
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
    const { bearerToken } = this.options;
    const socket = bearerToken
      ? new Impl(url, [], { headers: { authorization: `Bearer ${bearerToken}` } })
      : new Impl(url);
    this.socket = socket;
    this.refusal = undefined;
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.ready = false;
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
    this.handlers.status({ state: 'refused', ...refusal });
  }

  private scheduleReconnect(): void {
    const retryInMs = reconnectDelay(this.attempt);
    this.handlers.status({ state: 'waiting', attempt: this.attempt, retryInMs });
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), retryInMs);
  }

  private receive(raw: string): void {
    this.lastFrameAt = Date.now();
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) return; // A newer server may add frames; this client ignores what it does not know.
    const { frame } = parsed;
    if (frame.type === 'pong') return;
    if (frame.type === 'error' && !this.ready) this.refusal = { code: frame.code, message: frame.message };
    if (frame.type === 'ready') this.onReady(frame);
    this.handlers.frame(frame);
    if (frame.type === 'ready') this.handlers.status({ state: 'open' });
  }

  private onReady(frame: ServerFrameOf<'ready'>): void {
    this.attempt = 0;
    this.ready = true;
    this.startHeartbeat(frame.heartbeatIntervalMs);
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
    this.drop(CLOSE_CODES.goingAway, 'server silent');
    this.scheduleReconnect();
  }

  /** Forgets the current socket (its close event no longer counts) and closes it. */
  private drop(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    this.stopHeartbeat();
    socket?.close(code, reason);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
