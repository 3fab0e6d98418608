import type { ConversationSummary, Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import {
  type ChatState,
  initialChatState,
  mergeMessages,
  sortConversations,
  withChangedMessage,
  withConversation,
  withConversationRead,
  withConversations,
  withHistoryPage,
  withMessage,
  withMuted,
  withOutgoing,
  withoutMessage,
  withoutOutgoing,
  withPresence,
  withProfile,
  withReadCursor,
  withSendFailed,
  withTyping,
  withUnread,
  withUploadProgress,
  withUserDeleted,
} from './state.ts';

const ME = 1;
const PEER = 2;

const message = (seq: number, senderId = PEER, clientId = `c${seq}`): Message => ({
  id: 100 + seq,
  conversationId: 7,
  seq,
  senderId,
  clientId,
  text: `text ${seq}`,
  attachment: null,
  createdAt: 1_000 + seq,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
});

const summary = (overrides: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: 7,
  peer: {
    id: PEER,
    username: 'bob',
    displayName: null,
    avatarId: null,
    isBot: false,
    deleted: false,
    presence: { online: true, lastSeenAt: null, version: 1 },
  },
  lastMessage: message(2),
  lastSeq: 2,
  unread: 2,
  lastChangeSeq: 0,
  readSeq: 0,
  peerReadSeq: 0,
  updatedAt: 1_002,
  muted: false,
  ...overrides,
});

const opened = (history: Message[] = [message(1), message(2)]): ChatState => ({
  ...withConversation(initialChatState(), summary()),
  totalUnread: 2,
  histories: { 7: { messages: history, hasMore: false, loading: false, loaded: true } },
});

/** As the app has it once the conversation list arrived: the total is the list's sum. */
const listed = (): ChatState => ({ ...opened(), listLoaded: true });

describe('chat state', () => {
  it('shows a deleted peer as "Deleted user", whether told live or in a fetched summary', () => {
    const offline = { online: false, lastSeenAt: null, version: 1 };
    const gone = { ...summary().peer, username: 'deleted:2', deleted: true, presence: offline };
    const wasOnline = withPresence(
      withConversation(initialChatState(), summary()),
      new Map([[PEER, { online: true, lastSeenAt: null, version: 1 }]]),
    );
    const live = withUserDeleted(wasOnline, gone);
    expect(live.conversations[7]?.peer).toMatchObject({ id: PEER, username: 'Deleted user', deleted: true });
    expect(live.presence[PEER]).toEqual(offline);
    const fetched = withConversation(initialChatState(), summary({ peer: gone }));
    expect(fetched.conversations[7]?.peer.username).toBe('Deleted user');
    const other = withUserDeleted(withConversation(initialChatState(), summary()), { ...gone, id: 99 });
    expect(other.conversations[7]?.peer.username).toBe('bob');
  });

  it('merges runs of messages once each, in seq order', () => {
    expect(mergeMessages([message(3), message(1)], [message(2), message(3)]).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('replaces an optimistic message with the stored one of the same clientId', () => {
    const pending = withOutgoing(opened(), 7, { clientId: 'mine-1', text: 'hi', createdAt: 5, status: 'pending' });
    const stored = withMessage(pending, message(3, ME, 'mine-1'), ME);
    expect(stored.outbox[7]).toEqual([]);
    expect(stored.histories[7]?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    // A second delivery of the same message (the ack, then the sync) changes nothing visible.
    expect(withMessage(stored, message(3, ME, 'mine-1'), ME).histories[7]).toEqual(stored.histories[7]);
  });

  it('moves the preview, the order and my read cursor with each message', () => {
    const state = withMessage(opened(), message(3, ME), ME);
    const conversation = state.conversations[7];
    expect(conversation?.lastMessage?.seq).toBe(3);
    expect(conversation?.updatedAt).toBe(1_003);
    expect(conversation?.readSeq).toBe(3);
    // An older message (a page scrolled up to) does not become the preview.
    expect(withMessage(state, message(1), ME).conversations[7]?.lastMessage?.seq).toBe(3);
  });

  it('stops "typing…" when the peer’s message arrives', () => {
    const typing = withTyping(opened(), 7, 99_999);
    expect(withMessage(typing, message(3), ME).typingUntil[7]).toBeUndefined();
    expect(withMessage(typing, message(3, ME), ME).typingUntil[7]).toBe(99_999);
  });

  it('marks a refused send failed, and ignores one no longer shown', () => {
    const pending = withOutgoing(opened(), 7, { clientId: 'x', text: 'hi', createdAt: 5, status: 'pending' });
    expect(withSendFailed(pending, 7, 'x', 'Too fast')?.outbox[7]?.[0]).toMatchObject({
      status: 'failed',
      error: 'Too fast',
    });
    expect(withSendFailed(pending, 7, 'gone', 'Too fast')).toBe(pending);
    const retried = withOutgoing(withSendFailed(pending, 7, 'x', 'Too fast'), 7, {
      clientId: 'x',
      text: 'hi',
      createdAt: 5,
      status: 'pending',
    });
    expect(retried.outbox[7]).toHaveLength(1);
  });

  it('follows a picture through its upload, and lets a failed one be dismissed', () => {
    const file = new File(['png'], 'harbour.png', { type: 'image/png' });
    const uploading = withOutgoing(opened(), 7, {
      clientId: 'p',
      text: '',
      createdAt: 5,
      status: 'uploading',
      picture: { file, size: { width: 800, height: 600 }, progress: 0 },
    });
    expect(withUploadProgress(uploading, 7, 'p', 40).outbox[7]?.[0]?.picture?.progress).toBe(40);
    // Progress that comes after the picture left the outbox brings nothing back.
    const dismissed = withoutOutgoing(uploading, 7, 'p');
    expect(dismissed.outbox[7]).toEqual([]);
    expect(withUploadProgress(dismissed, 7, 'p', 50)).toBe(dismissed);
    expect(withoutOutgoing(dismissed, 7, 'p')).toBe(dismissed);
    const refused = withSendFailed(uploading, 7, 'p', 'Only pictures', 'refused');
    expect(refused.outbox[7]?.[0]).toMatchObject({ status: 'refused', error: 'Only pictures' });
  });

  it('counts unread from the server’s cursors, and reading clears them at once', () => {
    const counted = withUnread(listed(), { conversationId: 7, lastSeq: 7, readSeq: 2, deletedUnread: 0, total: 9 });
    expect(counted.conversations[7]).toMatchObject({ unread: 5, lastSeq: 7 });
    expect(counted.totalUnread).toBe(5);
    const read = withConversationRead(counted, 7);
    expect(read.conversations[7]).toMatchObject({ unread: 0, readSeq: 7 });
    expect(read.totalUnread).toBe(0);
    expect(withConversationRead(read, 7)).toBe(read);
    // The server still counting one unread means it has not got the read: the cursor goes back, to be told again.
    expect(
      withUnread(read, { conversationId: 7, lastSeq: 7, readSeq: 6, deletedUnread: 0, total: 1 }).conversations[7],
    ).toMatchObject({
      readSeq: 6,
      unread: 1,
    });
  });

  it('leaves messages deleted for everyone out of unread, and shows a changed message in place and in the list', () => {
    const counted = withUnread(listed(), { conversationId: 7, lastSeq: 7, readSeq: 2, deletedUnread: 2, total: 3 });
    expect(counted.conversations[7]).toMatchObject({ unread: 3 });
    const loaded = withHistoryPage(counted, 7, { messages: [message(1), message(2)], hasMore: false }, ME);
    const changed = withChangedMessage(loaded, { ...message(2), text: 'edited', changeSeq: 1 });
    expect(changed.histories[7]?.messages.map((m) => m.text)).toEqual(['text 1', 'edited']);
    expect(changed.conversations[7]?.lastMessage?.text).toBe('edited');
    expect(withoutMessage(changed, 7, message(1).id).histories[7]?.messages.map((m) => m.seq)).toEqual([2]);
  });

  it('does not count my own message unread when counts made before it arrive after it', () => {
    const sent = withMessage(listed(), message(3, ME, 'mine'), ME);
    const late = withUnread(sent, { conversationId: 7, lastSeq: 2, readSeq: 0, deletedUnread: 0, total: 2 });
    expect(late.conversations[7]).toMatchObject({ lastSeq: 3, readSeq: 3, unread: 0 });
    expect(late.totalUnread).toBe(0);
  });

  it('clears the badge when I read the conversation in another tab', () => {
    const elsewhere = withReadCursor(listed(), { conversationId: 7, userId: ME, seq: 1 }, ME);
    expect(elsewhere.conversations[7]).toMatchObject({ readSeq: 1, unread: 1 });
    expect(elsewhere.totalUnread).toBe(1);
  });

  it('shows a message restored from an earlier visit as sending, until its stored copy arrives once', () => {
    const restored = withOutgoing(opened(), 7, {
      clientId: 'left-behind',
      text: 'written before the reload',
      createdAt: 5,
      status: 'pending',
      attachmentId: 'upload-1',
    });
    expect(restored.outbox[7]).toMatchObject([{ status: 'pending', attachmentId: 'upload-1' }]);
    const stored = withMessage(restored, { ...message(3, ME, 'left-behind'), text: 'written before the reload' }, ME);
    expect(stored.outbox[7]).toEqual([]);
    expect(stored.histories[7]?.messages.filter((m) => m.clientId === 'left-behind')).toHaveLength(1);
  });

  it('lets a history page replace the optimistic copy of a message of mine it holds', () => {
    const pending = withOutgoing(opened([message(1)]), 7, {
      clientId: 'lost-ack',
      text: 'hi',
      createdAt: 5,
      status: 'pending',
    });
    const page = { messages: [message(1), message(2, ME, 'lost-ack')], hasMore: false };
    const loaded = withHistoryPage(pending, 7, page, ME);
    expect(loaded.outbox[7]).toEqual([]);
    expect(loaded.histories[7]?.messages.map((m) => m.clientId)).toEqual(['c1', 'lost-ack']);
    // A peer's message is never taken for mine.
    expect(
      withHistoryPage(pending, 7, { messages: [message(2, PEER, 'lost-ack')], hasMore: false }, ME).outbox[7],
    ).toHaveLength(1);
  });

  it('takes presence from what the client library found newest', () => {
    const state = withPresence(opened(), new Map([[PEER, { online: false, lastSeenAt: 50, version: 9 }]]));
    expect(state.presence[PEER]).toEqual({ online: false, lastSeenAt: 50, version: 9 });
    expect(withPresence(state, new Map())).toBe(state);
  });

  it('moves "seen" forward only', () => {
    const seen = withReadCursor(opened(), { conversationId: 7, userId: PEER, seq: 2 }, ME);
    expect(seen.conversations[7]?.peerReadSeq).toBe(2);
    expect(withReadCursor(seen, { conversationId: 7, userId: PEER, seq: 1 }, ME).conversations[7]?.peerReadSeq).toBe(2);
    expect(withReadCursor(seen, { conversationId: 7, userId: ME, seq: 2 }, ME).conversations[7]?.readSeq).toBe(2);
  });

  it('keeps a preview the socket brought when a summary fetched before it arrives after it', () => {
    const stale = summary({ lastMessage: message(1), lastSeq: 1, unread: 1 });
    const live = withMessage(withConversation(initialChatState(), stale), message(2), ME);
    const after = withConversation(live, stale).conversations[7];
    expect(after?.lastMessage?.text).toBe('text 2');
    expect(after?.lastSeq).toBe(2);
  });

  it('takes a mute from any tab, leaving the badge as it was, and ignores one for a conversation not listed', () => {
    const listed = withConversation(initialChatState(), summary());
    const muted = withMuted(listed, { conversationId: 7, muted: true });
    expect(muted.conversations[7]).toMatchObject({ muted: true, unread: 2 });
    expect(withMuted(muted, { conversationId: 7, muted: false }).conversations[7]?.muted).toBe(false);
    expect(withMuted(muted, { conversationId: 7, muted: true })).toBe(muted);
    expect(withMuted(listed, { conversationId: 8, muted: true })).toBe(listed);
  });

  it('lists the most recent conversation first', () => {
    const older = summary({ id: 1, updatedAt: 10 });
    const newer = summary({ id: 2, updatedAt: 20 });
    expect(sortConversations({ 1: older, 2: newer }).map((c) => c.id)).toEqual([2, 1]);
  });
});

describe('profiles', () => {
  const changed = { id: PEER, username: 'bob', displayName: 'Bob Builder', avatarId: 'a'.repeat(64) };

  it('a profile event replaces what is shown for that person', () => {
    expect(withProfile(initialChatState(), changed).profiles[PEER]).toEqual(changed);
  });

  it('a reloaded list is the newer word on its peers: the event it covers is dropped', () => {
    const state = withConversations(withProfile(initialChatState(), changed), [summary()], 2);
    expect(state.profiles[PEER]).toBeUndefined();
  });
});
