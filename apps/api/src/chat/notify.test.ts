import type { Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { readEvents, sendEvents } from './notify.ts';
import { unreadState } from './unread-state.ts';

const message: Message = {
  id: 7,
  conversationId: 3,
  seq: 5,
  senderId: 1,
  clientId: 'c1',
  text: 'hi',
  attachment: null,
  createdAt: 1000,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
};

describe('sendEvents', () => {
  it('tells the peer with their counts and the sender’s other tabs with theirs, skipping the tab that sent', () => {
    const result = {
      message,
      created: true,
      peerId: 2,
      peerUnread: unreadState({ conversationId: 3, lastSeq: 5, readSeq: 2, deletedUnread: 0, lastChangeSeq: 0 }, 9),
      senderUnread: unreadState({ conversationId: 3, lastSeq: 5, readSeq: 5, deletedUnread: 0, lastChangeSeq: 0 }, 0),
    };
    const [toPeer, toSender] = sendEvents(result, 'n:1', 1234);
    expect(toPeer).toEqual({
      userId: 2,
      event: {
        kind: 'frames',
        frames: [
          { type: 'message', message, serverTime: 1234 },
          {
            type: 'unread',
            conversationId: 3,
            unread: 3,
            lastSeq: 5,
            readSeq: 2,
            deletedUnread: 0,
            lastChangeSeq: 0,
            total: 9,
          },
        ],
      },
    });
    expect(toSender?.userId).toBe(1);
    expect(toSender?.event).toMatchObject({ skipConnection: 'n:1' });
  });

  it('fans a replayed send out again: the node that stored it may have died before telling anyone', () => {
    const result = {
      message,
      created: false,
      peerId: 2,
      peerUnread: unreadState({ conversationId: 3, lastSeq: 5, readSeq: 2, deletedUnread: 0, lastChangeSeq: 0 }, 3),
      senderUnread: unreadState({ conversationId: 3, lastSeq: 5, readSeq: 5, deletedUnread: 0, lastChangeSeq: 0 }, 0),
    };
    expect(sendEvents(result, 'n:2', 1).map((e) => e.userId)).toEqual([2, 1]);
  });
});

describe('readEvents', () => {
  const result = {
    ...unreadState({ conversationId: 3, lastSeq: 5, readSeq: 4, deletedUnread: 0, lastChangeSeq: 0 }, 1),
    moved: true,
    peerId: 2,
  };

  it('sends "seen" to the peer only when both have receipts on', () => {
    expect(readEvents(1, result, true).map((e) => e.userId)).toEqual([1, 2]);
    expect(readEvents(1, result, false).map((e) => e.userId)).toEqual([1]);
  });

  it('tells no one when the cursor did not move', () => {
    expect(readEvents(1, { ...result, moved: false }, true)).toEqual([]);
  });
});
