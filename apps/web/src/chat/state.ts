import type { ConnectionState } from '@chat/client';
import {
  type Attachment,
  type ConversationSummary,
  type HistoryResponse,
  type Message,
  type Presence,
  type PublicUser,
  type UserProfile,
  unreadCount,
} from '@chat/protocol';

/** A picture chosen here, on its way to the server. */
export interface OutgoingPicture {
  /** Kept until the message is stored: a failed upload is retried from it. */
  file: File;
  /** The picture's size as the browser read it, to reserve its box; absent when the browser could not read it. */
  size?: { width: number; height: number };
  /** Percent uploaded. */
  progress: number;
  /** The stored upload; absent until the upload succeeded, so a retry knows whether to upload again. */
  attachment?: Attachment;
}

/** A message written here and not stored yet: shown at once, replaced by the stored one (same clientId). */
export interface OutgoingMessage {
  clientId: string;
  text: string;
  createdAt: number;
  /**
   * A picture uploads first; then the message is pending until the server stores it. Failed when
   * the upload or the send failed, refused when the server will never take the file (its type, its size).
   */
  status: 'uploading' | 'pending' | 'failed' | 'refused';
  /** Why it failed, in words the server chose for people. */
  error?: string;
  picture?: OutgoingPicture;
  /** The upload of a picture message restored after a reload, whose file this page no longer has. */
  attachmentId?: string;
  /** The message this one answers. */
  replyToId?: number;
}

export interface History {
  /** Ascending by seq, each once. */
  messages: Message[];
  /** Older messages remain on the server. */
  hasMore: boolean;
  /** A page is on its way. */
  loading: boolean;
  /** The newest page has arrived; before that only live messages are here. */
  loaded: boolean;
  error?: string;
}

export interface ChatState {
  connection: ConnectionState;
  /** The socket was open once: later drops read "Reconnecting…", the first attempt does not alarm anyone. */
  everConnected: boolean;
  /** The browser says it has no network; faster to trust than a silent socket. */
  browserOffline: boolean;
  /** The conversation list has arrived (or failed: `listError`). */
  listLoaded: boolean;
  listError?: string;
  conversations: Readonly<Record<number, ConversationSummary>>;
  totalUnread: number;
  /** Only for conversations opened in this tab. */
  histories: Readonly<Record<number, History>>;
  outbox: Readonly<Record<number, readonly OutgoingMessage[]>>;
  /** Until when "typing…" shows, per conversation. */
  typingUntil: Readonly<Record<number, number>>;
  /** The newest presence known per user (by version, as the client library keeps it), from lists, the directory and presence events. */
  presence: Readonly<Record<number, Presence>>;
  /** Profiles changed since they were listed (display name, picture), from profile events. */
  profiles: Readonly<Record<number, UserProfile>>;
  /** The conversation on screen, whose messages are read as they arrive. */
  activeConversationId: number | null;
  /** The people this user blocked (GET /api/blocks, then `block_changed` from any tab). */
  blocked: Readonly<Record<number, true>>;
}

export const initialChatState = (): ChatState => ({
  connection: { state: 'connecting', attempt: 0 },
  everConnected: false,
  browserOffline: false,
  listLoaded: false,
  conversations: {},
  totalUnread: 0,
  histories: {},
  outbox: {},
  typingUntil: {},
  presence: {},
  profiles: {},
  activeConversationId: null,
  blocked: {},
});

const without = <V>(record: Readonly<Record<number, V>>, key: number): Record<number, V> => {
  const { [key]: _dropped, ...rest } = record;
  return rest;
};

/** The union of two runs of messages, by seq, ascending. */
export function mergeMessages(a: readonly Message[], b: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of a) bySeq.set(message.seq, message);
  for (const message of b) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

/** What the app calls a deleted account, whose username is only a placeholder. */
export const DELETED_USER_NAME = 'Deleted user';

/** A peer as the app shows them: a deleted account under its one name, with no picture. */
const shownPeer = (peer: PublicUser): PublicUser =>
  peer.deleted ? { ...peer, username: DELETED_USER_NAME, displayName: null, avatarId: null } : peer;
const shownSummary = (summary: ConversationSummary): ConversationSummary =>
  summary.peer.deleted ? { ...summary, peer: shownPeer(summary.peer) } : summary;

export function withConversations(state: ChatState, summaries: ConversationSummary[], totalUnread: number): ChatState {
  const conversations = Object.fromEntries(summaries.map((summary) => [summary.id, shownSummary(summary)]));
  // The list is the newer word on its peers' profiles (events may have been missed while away).
  const listed = new Set(summaries.map((summary) => summary.peer.id));
  const profiles = Object.fromEntries(Object.entries(state.profiles).filter(([id]) => !listed.has(Number(id))));
  return { ...state, conversations, profiles, totalUnread, listLoaded: true, listError: undefined };
}

/** The total is derived from the list once it is loaded: the server's own total can lag under concurrent sends. */
function withDerivedTotal(state: ChatState, fallback: number): ChatState {
  if (!state.listLoaded) return { ...state, totalUnread: fallback };
  const totalUnread = Object.values(state.conversations).reduce((sum, summary) => sum + summary.unread, 0);
  return { ...state, totalUnread };
}

/**
 * A summary fetched over REST. The socket may have brought a newer message while it was on its way
 * (the answer was read before that message was stored): the newer preview stays.
 */
export function withConversation(state: ChatState, received: ConversationSummary): ChatState {
  const fetched = shownSummary(received);
  const known = state.conversations[fetched.id]?.lastMessage;
  const summary =
    known && known.seq > (fetched.lastMessage?.seq ?? 0)
      ? {
          ...fetched,
          lastMessage: known,
          lastSeq: Math.max(fetched.lastSeq, known.seq),
          updatedAt: Math.max(fetched.updatedAt, known.createdAt),
        }
      : fetched;
  return withDerivedTotal(
    { ...state, conversations: { ...state.conversations, [summary.id]: summary } },
    state.totalUnread,
  );
}

/**
 * A peer deleted their account: every conversation with them shows it, and they are offline for good
 * (the last presence pushed may still say online, at a version the deletion's answer does not pass).
 */
export function withUserDeleted(state: ChatState, user: PublicUser): ChatState {
  const conversations = Object.fromEntries(
    Object.values(state.conversations).map((summary) => [
      summary.id,
      summary.peer.id === user.id ? { ...summary, peer: shownPeer(user) } : summary,
    ]),
  );
  // A name or picture they set before leaving must not outlive the account.
  const profiles = without(state.profiles, user.id);
  return { ...state, conversations, profiles, presence: { ...state.presence, [user.id]: user.presence } };
}

export function withoutConversation(state: ChatState, id: number): ChatState {
  return {
    ...state,
    conversations: without(state.conversations, id),
    histories: without(state.histories, id),
    outbox: without(state.outbox, id),
    typingUntil: without(state.typingUntil, id),
  };
}

/** A stored message, received or sent here or elsewhere: it replaces its optimistic copy, if any. */
export function withMessage(state: ChatState, message: Message, myId: number): ChatState {
  const id = message.conversationId;
  const mine = message.senderId === myId;
  const summary = state.conversations[id];
  const history = state.histories[id];
  const outbox = state.outbox[id];
  const next = { ...state };
  if (summary) {
    const newest = message.seq >= (summary.lastMessage?.seq ?? 0);
    next.conversations = {
      ...state.conversations,
      [id]: {
        ...summary,
        lastMessage: newest ? message : summary.lastMessage,
        lastSeq: Math.max(summary.lastSeq, message.seq),
        // Sending reads everything before: the server moves the sender's cursor too.
        readSeq: mine ? Math.max(summary.readSeq, message.seq) : summary.readSeq,
        updatedAt: Math.max(summary.updatedAt, message.createdAt),
      },
    };
  }
  if (history) {
    next.histories = { ...state.histories, [id]: { ...history, messages: mergeMessages(history.messages, [message]) } };
  }
  if (mine && outbox?.some((item) => item.clientId === message.clientId)) {
    next.outbox = { ...state.outbox, [id]: outbox.filter((item) => item.clientId !== message.clientId) };
  }
  if (!mine && state.typingUntil[id] !== undefined) next.typingUntil = without(state.typingUntil, id);
  return next;
}

/**
 * A message shows a new state (edited, deleted, reacted to; by anyone, or by me before the server
 * answers): it replaces the one with its id in the history and, when it is the newest, the preview.
 */
export function withChangedMessage(state: ChatState, message: Message): ChatState {
  const id = message.conversationId;
  const summary = state.conversations[id];
  const history = state.histories[id];
  const next = { ...state };
  if (summary?.lastMessage?.id === message.id) {
    next.conversations = { ...state.conversations, [id]: { ...summary, lastMessage: message } };
  }
  if (history?.messages.some((m) => m.id === message.id)) {
    const messages = history.messages.map((m) => (m.id === message.id ? message : m));
    next.histories = { ...state.histories, [id]: { ...history, messages } };
  }
  return next;
}

/** A message I deleted for myself leaves my history. */
export function withoutMessage(state: ChatState, conversationId: number, messageId: number): ChatState {
  const history = state.histories[conversationId];
  if (!history?.messages.some((m) => m.id === messageId)) return state;
  const messages = history.messages.filter((m) => m.id !== messageId);
  return { ...state, histories: { ...state.histories, [conversationId]: { ...history, messages } } };
}

/**
 * The server's cursors for a conversation. One counted from everything shown here says where the
 * read cursor is, even behind a read not yet confirmed (which is then told again); one counted
 * before a message shown here (the socket brought it since) can only move the cursor on.
 */
export function withUnread(
  state: ChatState,
  frame: { conversationId: number; lastSeq: number; readSeq: number; deletedUnread: number; total: number },
): ChatState {
  const summary = state.conversations[frame.conversationId];
  if (!summary) return { ...state, totalUnread: frame.total };
  const lastSeq = Math.max(summary.lastSeq, frame.lastSeq);
  const readSeq = frame.lastSeq >= summary.lastSeq ? frame.readSeq : Math.max(summary.readSeq, frame.readSeq);
  // Deleted unread messages are counted as of the frame's read cursor; read past it, none are left.
  const deletedUnread = readSeq === frame.readSeq ? frame.deletedUnread : 0;
  const updated = { ...summary, lastSeq, readSeq, unread: unreadCount(lastSeq, readSeq, deletedUnread) };
  return withDerivedTotal({ ...state, conversations: { ...state.conversations, [summary.id]: updated } }, frame.total);
}

/** Reading a conversation here, before the server confirms: the badge and the title clear at once. */
export function withConversationRead(state: ChatState, id: number): ChatState {
  const summary = state.conversations[id];
  if (!summary || (summary.unread === 0 && summary.readSeq >= summary.lastSeq)) return state;
  return {
    ...state,
    totalUnread: Math.max(0, state.totalUnread - summary.unread),
    conversations: { ...state.conversations, [id]: { ...summary, unread: 0, readSeq: summary.lastSeq } },
  };
}

/** A member's read cursor moved: the peer's is "seen", one's own comes from another tab. */
export function withReadCursor(
  state: ChatState,
  frame: { conversationId: number; userId: number; seq: number },
  myId: number,
): ChatState {
  const summary = state.conversations[frame.conversationId];
  if (!summary) return state;
  if (frame.userId !== myId) {
    const updated = { ...summary, peerReadSeq: Math.max(summary.peerReadSeq ?? 0, frame.seq) };
    return { ...state, conversations: { ...state.conversations, [frame.conversationId]: updated } };
  }
  const readSeq = Math.max(summary.readSeq, frame.seq);
  const updated = { ...summary, readSeq, unread: unreadCount(summary.lastSeq, readSeq) };
  return withDerivedTotal(
    { ...state, conversations: { ...state.conversations, [frame.conversationId]: updated } },
    state.totalUnread,
  );
}

/** The user muted or unmuted a conversation, here or on another tab or device. */
export function withMuted(state: ChatState, change: { conversationId: number; muted: boolean }): ChatState {
  const summary = state.conversations[change.conversationId];
  if (!summary || summary.muted === change.muted) return state;
  return { ...state, conversations: { ...state.conversations, [summary.id]: { ...summary, muted: change.muted } } };
}

/** Presence states the client library found newest (it drops a snapshot older than what it knows). */
export function withPresence(state: ChatState, newest: ReadonlyMap<number, Presence>): ChatState {
  if (newest.size === 0) return state;
  return { ...state, presence: { ...state.presence, ...Object.fromEntries(newest) } };
}

export function withBlocked(state: ChatState, userId: number, blocked: boolean): ChatState {
  if (Boolean(state.blocked[userId]) === blocked) return state;
  return { ...state, blocked: blocked ? { ...state.blocked, [userId]: true } : without(state.blocked, userId) };
}

/** Someone changed their display name or picture: what is shown for them follows. */
export function withProfile(state: ChatState, profile: UserProfile): ChatState {
  return { ...state, profiles: { ...state.profiles, [profile.id]: profile } };
}

export function withHistory(state: ChatState, id: number, change: (history: History) => History): ChatState {
  const history = state.histories[id] ?? { messages: [], hasMore: false, loading: false, loaded: false };
  return { ...state, histories: { ...state.histories, [id]: change(history) } };
}

/**
 * A page of history: the newest one (`latest`) says whether older ones exist; so does each older one.
 * A message of mine in it replaces its optimistic copy: one stored before its ack was lost (then
 * resent after a reload) comes back in the history, not as a new message.
 */
export function withHistoryPage(state: ChatState, id: number, page: HistoryResponse, myId: number): ChatState {
  const next = withHistory(state, id, (history) => ({
    messages: mergeMessages(page.messages, history.messages),
    hasMore: page.hasMore,
    loading: false,
    loaded: true,
  }));
  const mine = new Set(page.messages.filter((message) => message.senderId === myId).map((message) => message.clientId));
  const outbox = next.outbox[id];
  if (!outbox?.some((item) => mine.has(item.clientId))) return next;
  return { ...next, outbox: { ...next.outbox, [id]: outbox.filter((item) => !mine.has(item.clientId)) } };
}

/** Adds a message being sent, or puts a failed one back to pending for a retry (same clientId). */
export function withOutgoing(state: ChatState, conversationId: number, item: OutgoingMessage): ChatState {
  const items = state.outbox[conversationId] ?? [];
  const retried = items.some((existing) => existing.clientId === item.clientId);
  const next = retried
    ? items.map((existing) => (existing.clientId === item.clientId ? item : existing))
    : [...items, item];
  return { ...state, outbox: { ...state.outbox, [conversationId]: next } };
}

/** Changes a message still in the outbox; one that left it (stored, dismissed) stays gone. */
export function withOutgoingChange(
  state: ChatState,
  conversationId: number,
  clientId: string,
  change: (item: OutgoingMessage) => OutgoingMessage,
): ChatState {
  const items = state.outbox[conversationId];
  if (!items?.some((item) => item.clientId === clientId)) return state;
  const next = items.map((item) => (item.clientId === clientId ? change(item) : item));
  return { ...state, outbox: { ...state.outbox, [conversationId]: next } };
}

/**
 * The upload or the send failed; it stays on screen, marked, with a way to retry, unless the server
 * refused the file itself, which no retry can change.
 */
export const withSendFailed = (
  state: ChatState,
  conversationId: number,
  clientId: string,
  error: string,
  status: 'failed' | 'refused' = 'failed',
) => withOutgoingChange(state, conversationId, clientId, (item) => ({ ...item, status, error }));

export const withUploadProgress = (state: ChatState, conversationId: number, clientId: string, progress: number) =>
  withOutgoingChange(state, conversationId, clientId, (item) =>
    item.picture ? { ...item, picture: { ...item.picture, progress } } : item,
  );

/** A failed message the user dismissed: it leaves the screen unsent. */
export function withoutOutgoing(state: ChatState, conversationId: number, clientId: string): ChatState {
  const items = state.outbox[conversationId];
  if (!items?.some((item) => item.clientId === clientId)) return state;
  return {
    ...state,
    outbox: { ...state.outbox, [conversationId]: items.filter((item) => item.clientId !== clientId) },
  };
}

export function withTyping(state: ChatState, conversationId: number, until: number | null): ChatState {
  return {
    ...state,
    typingUntil:
      until === null ? without(state.typingUntil, conversationId) : { ...state.typingUntil, [conversationId]: until },
  };
}

/** Most recent first, as people expect of a messenger. */
export const sortConversations = (conversations: Readonly<Record<number, ConversationSummary>>) =>
  Object.values(conversations).sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
