import type { ConversationSummary, Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import {
  attentionCount,
  EXCERPT_LENGTH,
  excerpt,
  notificationContent,
  shouldAlert,
  titleWithCount,
} from './decisions.ts';

const ME = 1;
const PEER = 2;

const message = (overrides: Partial<Message> = {}): Message => ({
  id: 105,
  conversationId: 7,
  seq: 5,
  senderId: PEER,
  clientId: 'c5',
  text: 'are you coming?',
  attachment: null,
  createdAt: 1_005,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
  ...overrides,
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
  lastMessage: message(),
  lastSeq: 5,
  unread: 1,
  lastChangeSeq: 0,
  readSeq: 4,
  peerReadSeq: null,
  updatedAt: 1_005,
  muted: false,
  ...overrides,
});

const hidden = { pageVisible: false, activeConversationId: 7 };

describe('shouldAlert', () => {
  it('alerts for a new message from the peer while the tab is hidden, even with its conversation open', () => {
    expect(shouldAlert(message(), ME, summary(), hidden)).toBe(true);
  });

  it('alerts while another conversation, or none, is on screen', () => {
    expect(shouldAlert(message(), ME, summary(), { pageVisible: true, activeConversationId: 8 })).toBe(true);
    expect(shouldAlert(message(), ME, summary(), { pageVisible: true, activeConversationId: null })).toBe(true);
  });

  it('stays quiet while the conversation is on screen in a visible tab', () => {
    expect(shouldAlert(message(), ME, summary(), { pageVisible: true, activeConversationId: 7 })).toBe(false);
  });

  it('stays quiet for my own messages, sent from another tab or device', () => {
    expect(shouldAlert(message({ senderId: ME }), ME, summary(), hidden)).toBe(false);
  });

  it('stays quiet for a muted conversation', () => {
    expect(shouldAlert(message(), ME, summary({ muted: true }), hidden)).toBe(false);
  });

  it('stays quiet for a message already read elsewhere, or deleted before the alert', () => {
    expect(shouldAlert(message(), ME, summary({ readSeq: 5 }), hidden)).toBe(false);
    expect(shouldAlert(message({ deletedAt: 1_006 }), ME, summary(), hidden)).toBe(false);
  });

  it('stays quiet without a summary to name the sender', () => {
    expect(shouldAlert(message(), ME, undefined, hidden)).toBe(false);
  });
});

describe('notification text', () => {
  it('names the sender and carries the text, one notification per conversation', () => {
    expect(notificationContent(message(), 'bob')).toEqual({
      title: 'bob',
      body: 'are you coming?',
      tag: 'conversation-7',
    });
  });

  it('says "Sent a picture" for a picture alone, and the caption when there is one', () => {
    const attachment = { id: 'a1', contentType: 'image/webp', width: 10, height: 10, size: 100 };
    expect(excerpt({ text: '', attachment })).toBe('Sent a picture');
    expect(excerpt({ text: 'the view', attachment })).toBe('the view');
  });

  it('puts the text on one line and shortens a long one at a word, with an ellipsis', () => {
    expect(excerpt({ text: 'line one\n\nline   two', attachment: null })).toBe('line one line two');
    const long = `${'word '.repeat(60)}end`;
    const short = excerpt({ text: long, attachment: null });
    expect(short.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(short).toMatch(/^word( word)*…$/);
    const unbroken = 'x'.repeat(300);
    expect(excerpt({ text: unbroken, attachment: null })).toBe(`${'x'.repeat(EXCERPT_LENGTH - 1)}…`);
  });
});

describe('the tab title', () => {
  it('counts the unread of every conversation but the muted ones', () => {
    const conversations = {
      7: summary({ unread: 3 }),
      8: summary({ id: 8, unread: 4, muted: true }),
      9: summary({ id: 9, unread: 0 }),
    };
    expect(attentionCount(conversations)).toBe(3);
    expect(attentionCount({})).toBe(0);
  });

  it('puts the count first, and nothing when there is none', () => {
    expect(titleWithCount(3)).toBe('(3) Chat');
    expect(titleWithCount(0)).toBe('Chat');
  });
});
