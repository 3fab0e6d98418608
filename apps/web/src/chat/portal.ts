import { type ConnectionState, RealtimeClient, SendError, type SendRequest } from '@chat/client';
import { type ConversationSummary, type Message, type PublicUser, type ServerFrameOf, TYPING } from '@chat/protocol';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';
import { alertOfMessage } from '../notifications/alerts.ts';
import { endedSession, loadSession, showOwnProfile } from '../session/session.ts';
import { savedOutbox } from './outbox.ts';
import {
  initialChatState,
  withBlocked,
  withChangedMessage,
  withConversation,
  withConversationRead,
  withConversations,
  withMessage,
  withMuted,
  withOutgoing,
  withoutConversation,
  withoutMessage,
  withPresence,
  withProfile,
  withReadCursor,
  withSendFailed,
  withTyping,
  withUnread,
  withUserDeleted,
} from './state.ts';
import { chatStore, updateChat } from './store.ts';

type UnreadCounts = ServerFrameOf<'unread'>;

/**
 * The one owner of the realtime connection, like excalidraw's Portal: it turns socket events into
 * chat state and is the only way anything reaches the socket. Components read the store and call
 * the actions; they never see the socket.
 */
class Portal {
  private readonly realtime: RealtimeClient;
  private readonly stops: Array<() => void> = [];
  private readonly typingSentAt = new Map<number, number>();
  private readonly typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** The newest unread counts per conversation, to reconcile with summaries fetched over REST. */
  private readonly latestUnread = new Map<number, UnreadCounts>();
  /** Summaries on their way, by conversation: true when an event came meanwhile, so the answer may be stale. */
  private readonly summaryFetches = new Map<number, boolean>();

  /** The directory rows on screen; the open conversation's peer is watched with them. */
  private directoryIds: number[] = [];
  private watchedPeer: number | undefined;
  /** Answers to requests made before stop() must not reach the next session's store. */
  private stopped = false;

  constructor(readonly myId: number) {
    // Unsent messages are kept per user: whoever signs in next on this browser never sends them.
    this.realtime = new RealtimeClient({ outbox: savedOutbox(myId) });
  }

  start(): void {
    chatStore.set({ ...initialChatState(), browserOffline: !navigator.onLine });
    const { realtime } = this;
    this.stops.push(
      realtime.on('status', (status) => this.onStatus(status)),
      realtime.on('message', (message) => this.onMessage(message)),
      realtime.on('unread', (frame) => this.onUnread(frame)),
      realtime.on('read', (frame) => updateChat((state) => withReadCursor(state, frame, this.myId))),
      realtime.on('typing', (frame) => this.onTyping(frame.conversationId)),
      realtime.on('presence', (frame) =>
        updateChat((state) => withPresence(state, new Map([[frame.userId, frame.presence]]))),
      ),
      realtime.on('conversation_hidden', (frame) => this.onHidden(frame.conversationId)),
      realtime.on('block_changed', (frame) => updateChat((state) => withBlocked(state, frame.userId, frame.blocked))),
      realtime.on('conversation_muted', (frame) => updateChat((state) => withMuted(state, frame))),
      realtime.on('user_deleted', (frame) => updateChat((state) => withUserDeleted(state, frame.user))),
      realtime.on('profile', ({ profile }) => {
        updateChat((state) => withProfile(state, profile));
        if (profile.id === this.myId) showOwnProfile(profile);
      }),
      realtime.on('message_changed', (message) => updateChat((state) => withChangedMessage(state, message))),
      realtime.on('message_hidden', (frame) =>
        updateChat((state) => withoutMessage(state, frame.conversationId, frame.messageId)),
      ),
      // A sync that could not carry everything: the list over REST is the truth.
      realtime.on('synced', (frame) => {
        if (frame.truncated) void this.loadConversations();
      }),
      listen(window, 'online', () => this.onNetworkChange(true)),
      listen(window, 'offline', () => this.onNetworkChange(false)),
      listen(document, 'visibilitychange', () => this.readActive()),
      chatStore.subscribe(() => this.watchActivePeer()),
    );
    this.showRestoredSends();
    void this.loadBlocked();
    // The list first, so that the cursors it sets make the first connect catch up on anything since.
    void this.loadConversations().finally(() => this.stopped || realtime.connect());
  }

  stop(): void {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.realtime.close();
    // Nothing of this user's chat stays in memory for whoever signs in next.
    chatStore.set(initialChatState());
  }

  /** Whom this user blocked: the header, the composer and the directory mark them. */
  private async loadBlocked(): Promise<void> {
    try {
      const { blocked } = await api.blocks();
      if (this.stopped) return;
      updateChat((state) => blocked.reduce((next, { user }) => withBlocked(next, user.id, true), state));
    } catch (error) {
      // Without the list nothing is marked; sends still get the server's refusal.
      endedSession(error);
    }
  }

  async loadConversations(): Promise<void> {
    try {
      const { conversations, totalUnread } = await api.conversations();
      if (this.stopped) return;
      // Histories are loaded after this list, each page in its current state: the changes up to
      // the list's positions are in hand.
      for (const summary of conversations) this.realtime.setCursor(summary.id, summary.lastSeq, summary.lastChangeSeq);
      updateChat((state) => withConversations(state, conversations, totalUnread));
      this.notePresence(conversations.map((summary) => summary.peer));
    } catch (error) {
      if (endedSession(error)) return;
      updateChat((state) => ({ ...state, listError: 'Your conversations could not be loaded.' }));
    }
  }

  /**
   * Sends a message the outbox shows. It leaves the outbox when its stored copy arrives, the way
   * every message arrives (onMessage): one path, in order. Here only a refusal is followed.
   */
  send(conversationId: number, request: Omit<SendRequest, 'conversationId'>): void {
    const { clientId, stored } = this.realtime.send({ ...request, conversationId });
    this.followRefusal(conversationId, clientId, stored);
  }

  private followRefusal(conversationId: number, clientId: string, stored: Promise<Message>): void {
    stored.catch((error: unknown) => {
      if (this.stopped) return;
      const reason = error instanceof SendError ? error.message : 'The message could not be sent.';
      updateChat((state) => withSendFailed(state, conversationId, clientId, reason));
    });
  }

  /** Messages an earlier visit could not send: shown as sending again, and sent once the socket opens. */
  private showRestoredSends(): void {
    for (const { record, stored } of this.realtime.pendingSends()) {
      const { clientId, conversationId, text, createdAt, attachmentId, replyToId } = record;
      // This app names the conversation in every send (it opens one over REST first).
      if (conversationId === undefined) continue;
      updateChat((state) =>
        withOutgoing(state, conversationId, { clientId, text, createdAt, attachmentId, replyToId, status: 'pending' }),
      );
      this.followRefusal(conversationId, clientId, stored);
    }
  }

  /** Users from a REST answer: the store takes their presence where it is the newest known. */
  notePresence(users: readonly PublicUser[]): void {
    updateChat((state) => withPresence(state, this.realtime.notePresence(users)));
  }

  /** A conversation's summary fetched over REST. */
  noteConversation(summary: ConversationSummary): void {
    updateChat((state) => withConversation(state, summary));
    this.notePresence([summary.peer]);
  }

  /** History up to `seq` came over REST: the socket delivers only what is newer. */
  loadedUpTo(conversationId: number, seq: number): void {
    this.realtime.setCursor(conversationId, seq);
  }

  /** Messages loaded over REST: a late frame with an older state of one of them does not undo it. */
  noteMessages(messages: readonly Message[]): void {
    this.realtime.noteMessages(messages);
  }

  /** Changes show at once (through `message_changed`) and roll back when refused; the promise says why. */
  edit(message: Message, text: string): Promise<Message> {
    return this.realtime.edit(message, text).settled;
  }

  remove(message: Message): Promise<Message> {
    return this.realtime.remove(message).settled;
  }

  react(message: Message, emoji: string): Promise<Message> {
    return this.realtime.react(message, emoji).settled;
  }

  /** "Delete for me": it leaves this tab at once, and the others when the server tells them. */
  hide(message: Message): Promise<Message> {
    updateChat((state) => withoutMessage(state, message.conversationId, message.id));
    return this.realtime.hide(message);
  }

  forget(conversationId: number): void {
    this.realtime.forgetConversation(conversationId);
  }

  watchPresence(userIds: number[]): void {
    this.directoryIds = userIds;
    this.realtime.watchPresence(this.watchedPeer === undefined ? userIds : [...userIds, this.watchedPeer]);
  }

  /**
   * The server watches the peers of conversations that have messages; one just opened from the
   * directory has none yet, and its header must still show when the peer comes and goes.
   */
  private watchActivePeer(): void {
    const { activeConversationId, conversations } = chatStore.get();
    const peer = activeConversationId === null ? undefined : conversations[activeConversationId]?.peer.id;
    if (peer === this.watchedPeer) return;
    this.watchedPeer = peer;
    this.watchPresence(this.directoryIds);
  }

  typing(conversationId: number): void {
    const now = Date.now();
    if (now - (this.typingSentAt.get(conversationId) ?? 0) < TYPING.sendIntervalMs) return;
    this.typingSentAt.set(conversationId, now);
    this.realtime.typing(conversationId);
  }

  /** Clears the badge at once and moves the read cursor on the server to the newest message. */
  read(conversationId: number): void {
    const summary = chatStore.get().conversations[conversationId];
    if (!summary) return;
    const untold = summary.readSeq < summary.lastSeq;
    updateChat((state) => withConversationRead(state, conversationId));
    if (!untold) return;
    // The socket is cheaper; while it is down, REST still gets the read through.
    if (this.realtime.isOpen) this.realtime.read(conversationId, summary.lastSeq);
    else void api.markRead(conversationId, summary.lastSeq).catch(endedSession);
  }

  /** The conversation on screen, if the page is looked at: its messages count as read on arrival. */
  private readableActive(): number | null {
    return document.visibilityState === 'visible' ? chatStore.get().activeConversationId : null;
  }

  readActive(): void {
    const active = this.readableActive();
    if (active !== null) this.read(active);
  }

  private onStatus(status: ConnectionState): void {
    updateChat((state) => ({
      ...state,
      connection: status,
      everConnected: state.everConnected || status.state === 'open',
    }));
    if (status.state === 'open') this.readActive();
    // The server closed for good: signed out elsewhere, or not verified. It tells which when asked.
    if (status.state === 'refused') void loadSession();
  }

  private onMessage(message: Message): void {
    const id = message.conversationId;
    updateChat((state) => withMessage(state, message, this.myId));
    // A new conversation's summary names the sender (and says whether it is muted): alert once it is here.
    if (!chatStore.get().conversations[id]) {
      void this.fetchSummary(id).then(() => this.stopped || alertOfMessage(message, this.myId));
      return;
    }
    if (message.senderId !== this.myId && this.readableActive() === id) this.read(id);
    alertOfMessage(message, this.myId);
  }

  private onUnread(frame: UnreadCounts): void {
    this.latestUnread.set(frame.conversationId, frame);
    updateChat((state) => withUnread(state, frame));
    // Unread in a conversation not listed here: it is new, or came back (a delete answers with 0).
    const unknown = !chatStore.get().conversations[frame.conversationId];
    if (unknown && frame.unread > 0) void this.fetchSummary(frame.conversationId);
    // Counted before our read reached the server: the conversation on screen stays read.
    if (frame.unread > 0 && this.readableActive() === frame.conversationId) this.read(frame.conversationId);
  }

  /** Someone started a conversation with us, or one came back after a delete: its summary comes over REST. */
  private async fetchSummary(id: number): Promise<void> {
    if (this.summaryFetches.has(id)) {
      this.summaryFetches.set(id, true);
      return;
    }
    try {
      do {
        this.summaryFetches.set(id, false);
        const { conversation } = await api.conversation(id);
        if (this.stopped) return;
        // Counts that arrived while the request was on its way may be newer than its answer.
        const counts = this.latestUnread.get(id);
        const newer =
          counts &&
          (counts.lastSeq > conversation.lastSeq ||
            (counts.lastSeq === conversation.lastSeq && counts.readSeq > conversation.readSeq));
        const summary = newer
          ? { ...conversation, lastSeq: counts.lastSeq, readSeq: counts.readSeq, unread: counts.unread }
          : conversation;
        this.noteConversation(summary);
      } while (this.summaryFetches.get(id));
    } catch (error) {
      endedSession(error);
    } finally {
      this.summaryFetches.delete(id);
    }
  }

  private onTyping(conversationId: number): void {
    const until = Date.now() + TYPING.shownMs;
    updateChat((state) => withTyping(state, conversationId, until));
    clearTimeout(this.typingTimers.get(conversationId));
    this.typingTimers.set(
      conversationId,
      setTimeout(() => {
        this.typingTimers.delete(conversationId);
        updateChat((state) =>
          state.typingUntil[conversationId] === until ? withTyping(state, conversationId, null) : state,
        );
      }, TYPING.shownMs),
    );
  }

  private onHidden(conversationId: number): void {
    const wasActive = chatStore.get().activeConversationId === conversationId;
    updateChat((state) => withoutConversation(state, conversationId));
    if (wasActive) navigate('/', { replace: true });
  }

  /**
   * The browser knows about the network before a silent socket does. Going offline, the socket is
   * dropped so that sends wait in the client's queue and the banner shows at once; coming back, it
   * reconnects now instead of at the end of its back-off.
   */
  private onNetworkChange(online: boolean): void {
    updateChat((state) => ({ ...state, browserOffline: !online }));
    if (online && this.realtime.isOpen) return;
    this.realtime.reconnectNow();
  }
}

function listen(target: EventTarget, type: string, listener: () => void): () => void {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}

let current: Portal | undefined;

/** Opens the chat for the signed-in user; the returned function closes it (sign-out, unmount). */
export function startChat(myId: number): () => void {
  const portal = new Portal(myId);
  current?.stop();
  current = portal;
  portal.start();
  return () => {
    portal.stop();
    if (current === portal) current = undefined;
  };
}

/** The running portal; the chat screens exist only while there is one. */
export function portal(): Portal {
  if (!current) throw new Error('The chat is not started.');
  return current;
}

/** For cleanups, which may run after the portal stopped (React unmounts the chat screen before its children). */
export const portalIfRunning = (): Portal | undefined => current;
