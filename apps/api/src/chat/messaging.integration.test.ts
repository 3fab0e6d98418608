import type { RealtimeClient } from '@chat/client';
import { ApiError } from '@chat/client';
import type { Message } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../test/server.ts';
import { startTcpProxy } from '../../test/tcp-proxy.ts';

const sendAll = async (client: RealtimeClient, conversationId: number, texts: string[]) => {
  const stored: Message[] = [];
  for (const text of texts) stored.push(await client.send({ conversationId, text }).stored);
  return stored;
};

describe.each(BACKENDS)('messaging on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const connect = (user: ChatUser, node: TestServer | string) =>
    nodes.track(user.connect(typeof node === 'string' ? node : node.url));

  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PRESENCE_GRACE_MS: '300' });
    ({ nodeA, nodeB } = nodes);
  });

  afterAll(() => nodes.close());

  it('reaches every connection of both users on both nodes once, in order, with unread counts', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceTabs = [connect(alice, nodeA), connect(alice, nodeA)];
    const bobTabs = [connect(bob, nodeB), connect(bob, nodeB)];
    const [a1, a2] = aliceTabs.map(record);
    const [b1, b2] = bobTabs.map(record);
    await Promise.all([...aliceTabs, ...bobTabs].map((c) => opened(c)));

    const { conversation } = await alice.api.openConversation(bob.me.id);
    const sender = aliceTabs[0] as RealtimeClient;
    const fromAlice = await sendAll(sender, conversation.id, ['one', 'two', 'three']);
    expect(fromAlice.map((m) => m.seq)).toEqual([1, 2, 3]);
    await sendAll(bobTabs[1] as RealtimeClient, conversation.id, ['four']);

    const expected = ['one', 'two', 'three', 'four'];
    for (const recorder of [a1, a2, b1, b2]) await expect.poll(() => recorder?.texts()).toEqual(expected);
    expect(b1?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);

    // Bob had three unread; sending advanced his own cursor, which read them.
    await expect.poll(() => b2?.last('unread')).toMatchObject({ conversationId: conversation.id, unread: 0, total: 0 });
    await expect.poll(() => a1?.last('unread')).toMatchObject({ unread: 1, total: 1 });
    const list = await alice.api.conversations();
    expect(list.totalUnread).toBe(1);
    expect(list.conversations[0]).toMatchObject({
      id: conversation.id,
      unread: 1,
      lastSeq: 4,
      peer: { id: bob.me.id },
    });
    expect(list.conversations[0]?.lastMessage?.text).toBe('four');

    // Reading on one tab clears the badge on the other, and Bob sees "seen".
    aliceTabs[1]?.read(conversation.id, 4);
    await expect.poll(() => a1?.last('unread')).toMatchObject({ unread: 0, total: 0 });
    await expect
      .poll(() => b1?.last('read'))
      .toMatchObject({ conversationId: conversation.id, userId: alice.me.id, seq: 4 });
    expect((await alice.api.conversations()).totalUnread).toBe(0);
  });

  it('a client cut off while 200 messages come in reconnects to the other node and ends with all 200 once', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeA.url);
    const balancer = await startTcpProxy('127.0.0.1', Number(new URL(nodeA.url).port));
    try {
      const bobClient = connect(bob, `http://127.0.0.1:${balancer.port}`);
      const received = record(bobClient);
      const aliceClient = connect(alice, nodeA);
      await Promise.all([opened(bobClient), opened(aliceClient)]);
      const { conversation } = await alice.api.openConversation(bob.me.id);
      const texts = Array.from({ length: 200 }, (_, i) => `m${i + 1}`);

      const sending = (async () => {
        for (const [i, text] of texts.entries()) {
          if (i === 60) {
            balancer.cut();
            balancer.retarget(Number(new URL(nodeB.url).port));
          }
          if (i === 140) balancer.restore();
          // Stay under the per-user send limit, as a real sender would.
          if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 1000));
          await aliceClient.send({ conversationId: conversation.id, text }).stored;
        }
      })();
      await sending;
      await expect.poll(() => received.messages.length, { timeout: 20_000 }).toBe(200);
      expect(received.texts()).toEqual(texts);
      expect(new Set(received.messages.map((m) => m.id)).size).toBe(200);
    } finally {
      await balancer.close();
    }
  });

  it('the same client message id sent three times stores one message, acked each time', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const client = connect(alice, nodeA);
    const bobClient = connect(bob, nodeB);
    const bobSees = record(bobClient);
    await Promise.all([opened(client), opened(bobClient)]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const acks = [];
    for (let i = 0; i < 3; i++)
      acks.push(
        await client.send({ conversationId: conversation.id, text: 'hello once', clientId: 'retry-me' }).stored,
      );
    expect(new Set(acks.map((m) => m.id)).size).toBe(1);
    // Later too, after other messages:
    await client.send({ conversationId: conversation.id, text: 'other' }).stored;
    const late = await client.send({ conversationId: conversation.id, text: 'hello once', clientId: 'retry-me' })
      .stored;
    expect(late.id).toBe(acks[0]?.id);
    const { messages } = await alice.api.history(conversation.id);
    expect(messages.map((m) => m.text)).toEqual(['hello once', 'other']);
    await expect.poll(() => bobSees.texts()).toEqual(['hello once', 'other']);
  });

  it('delete for me hides history on my side only; a new message brings the conversation back with what came after', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceClient = connect(alice, nodeA);
    const bobClient = connect(bob, nodeB);
    const aliceSees = record(aliceClient);
    await Promise.all([opened(aliceClient), opened(bobClient)]);
    const { conversation } = await bob.api.openConversation(alice.me.id);
    await sendAll(bobClient, conversation.id, ['old 1', 'old 2']);
    await expect.poll(async () => (await alice.api.conversations()).totalUnread).toBe(2);

    const deleted = await alice.api.deleteConversation(conversation.id);
    expect(deleted).toEqual({ conversationId: conversation.id, unread: 0, total: 0 });
    await expect
      .poll(() => aliceSees.last('conversation_hidden'))
      .toEqual({ type: 'conversation_hidden', conversationId: conversation.id });
    expect((await alice.api.conversations()).conversations).toEqual([]);
    expect((await alice.api.history(conversation.id)).messages).toEqual([]);
    expect((await bob.api.history(conversation.id)).messages.map((m) => m.text)).toEqual(['old 1', 'old 2']);
    expect((await bob.api.conversations()).conversations.map((c) => c.id)).toEqual([conversation.id]);

    await sendAll(bobClient, conversation.id, ['new']);
    await expect
      .poll(async () => (await alice.api.conversations()).conversations.map((c) => [c.id, c.unread]))
      .toEqual([[conversation.id, 1]]);
    expect((await alice.api.history(conversation.id)).messages.map((m) => m.text)).toEqual(['new']);
    expect((await bob.api.history(conversation.id)).messages.map((m) => m.text)).toEqual(['old 1', 'old 2', 'new']);
  });

  it('an outsider gets 404 for the conversation, its history, its read cursor and its sends', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeA.url);
    const eve = await createChatUser(nodeB.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const expect404 = async (call: Promise<unknown>) => {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect([(error as ApiError).status, (error as ApiError).code]).toEqual([404, 'not_found']);
    };
    await expect404(eve.api.conversation(conversation.id));
    await expect404(eve.api.history(conversation.id));
    await expect404(eve.api.markRead(conversation.id, 1));
    await expect404(eve.api.deleteConversation(conversation.id));
    await expect404(eve.api.conversation(999_999));
    const eveClient = connect(eve, nodeB);
    await opened(eveClient);
    const refused = await eveClient
      .send({ conversationId: conversation.id, text: 'let me in' })
      .stored.catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'not_found' });
    expect((await alice.api.history(conversation.id)).messages).toEqual([]);
  });

  it('first contact by user id opens the conversation for both, and messaging oneself is refused', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const client = connect(alice, nodeA);
    await opened(client);
    const message = await client.send({ userId: bob.me.id, text: 'hi bob' }).stored;
    const bobList = await bob.api.conversations();
    expect(bobList.conversations.map((c) => [c.id, c.unread, c.peer.username])).toEqual([
      [message.conversationId, 1, alice.me.username],
    ]);
    const self = await client.send({ userId: alice.me.id, text: 'me?' }).stored.catch((e: unknown) => e);
    expect(self).toMatchObject({ code: 'cannot_message_self' });
  });

  it('history pages backwards and forwards in seq order', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeA.url);
    const client = connect(alice, nodeA);
    await opened(client);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    await sendAll(
      client,
      conversation.id,
      Array.from({ length: 25 }, (_, i) => `h${i + 1}`),
    );
    const newest = await alice.api.history(conversation.id, { limit: 10 });
    expect([newest.messages.map((m) => m.seq), newest.hasMore]).toEqual([
      [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
      true,
    ]);
    const older = await alice.api.history(conversation.id, { before: 16, limit: 10 });
    expect(older.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const oldest = await alice.api.history(conversation.id, { before: 6, limit: 10 });
    expect([oldest.messages.map((m) => m.seq), oldest.hasMore]).toEqual([[1, 2, 3, 4, 5], false]);
    const after = await alice.api.history(conversation.id, { after: 20 });
    expect([after.messages.map((m) => m.seq), after.hasMore]).toEqual([[21, 22, 23, 24, 25], false]);
    const tooMany = await alice.api.history(conversation.id, { limit: 101 }).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('read receipts turned off: that user neither sends nor sees them', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceClient = connect(alice, nodeA);
    const bobClient = connect(bob, nodeB);
    const aliceSees = record(aliceClient);
    const bobSees = record(bobClient);
    await Promise.all([opened(aliceClient), opened(bobClient)]);
    expect((await alice.api.updateSettings({ readReceipts: false })).user.readReceipts).toBe(false);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    await sendAll(aliceClient, conversation.id, ['ping']);
    await sendAll(bobClient, conversation.id, ['pong']);
    await expect.poll(() => aliceSees.texts()).toEqual(['ping', 'pong']);
    await alice.api.markRead(conversation.id, 2);
    await bob.api.markRead(conversation.id, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bobSees.events.filter((e) => e.type === 'read' && e.userId === alice.me.id)).toEqual([]);
    expect(aliceSees.events.filter((e) => e.type === 'read' && e.userId === bob.me.id)).toEqual([]);
    expect((await bob.api.conversations()).conversations[0]?.peerReadSeq).toBeNull();
    expect((await alice.api.conversations()).conversations[0]?.peerReadSeq).toBeNull();
  });

  it('typing reaches the peer', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceClient = connect(alice, nodeA);
    const bobClient = connect(bob, nodeB);
    const bobSees = record(bobClient);
    await Promise.all([opened(aliceClient), opened(bobClient)]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    aliceClient.typing(conversation.id);
    await expect
      .poll(() => bobSees.last('typing'))
      .toEqual({ type: 'typing', conversationId: conversation.id, userId: alice.me.id });
  });
});
