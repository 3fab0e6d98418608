import type { Message } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../../test/server.ts';
import { commitSends } from './commit.ts';

/** Enough concurrent senders on two nodes that sends are committed in batches, both sides of each pair at once. */
const PAIRS = 6;
const PER_SENDER = 12;

describe.each(BACKENDS)('sends committed in batches on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    ({ nodeA, nodeB } = nodes);
  });
  afterAll(() => nodes.close());

  it('keep seqs gap-free per conversation, every message once, counts absolute, retries stored once', async () => {
    const users: ChatUser[] = [];
    for (let i = 0; i < PAIRS * 2; i++) users.push(await createChatUser(i % 2 ? nodeB.url : nodeA.url));
    const conversations: number[] = [];
    for (let p = 0; p < PAIRS; p++) {
      conversations.push(
        (await (users[2 * p] as ChatUser).api.openConversation((users[2 * p + 1] as ChatUser).me.id)).conversation.id,
      );
    }
    const connections = users.map((user, i) => user.connect(i % 2 ? nodeB.url : nodeA.url));
    for (const connection of connections) nodes.track(connection);
    const seen = connections.map(record);
    // As an app does with what it loaded: these conversations are known, and empty so far.
    for (const [i, client] of connections.entries()) client.setCursor(conversations[Math.floor(i / 2)] as number, 0);
    await Promise.all(connections.map((c) => opened(c)));

    // Everyone sends at once without waiting; a few sends are retried with the same client id mid-flood.
    const acks: Array<Promise<Message>> = [];
    for (let round = 0; round < PER_SENDER; round++) {
      connections.forEach((client, i) => {
        const conversationId = conversations[Math.floor(i / 2)] as number;
        const clientId = `u${i}-m${round}`;
        acks.push(client.send({ conversationId, text: clientId, clientId }).stored);
        if (round === 3) acks.push(client.send({ conversationId, text: clientId, clientId }).stored);
      });
    }
    const stored = await Promise.all(acks);
    expect(new Set(stored.map((m) => m.id)).size).toBe(PAIRS * 2 * PER_SENDER);
    const ackedByClientId = new Map(stored.map((m) => [m.clientId, m]));

    for (const [p, conversationId] of conversations.entries()) {
      const { messages } = await (users[2 * p] as ChatUser).api.history(conversationId, { limit: 100 });
      expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 2 * PER_SENDER }, (_, i) => i + 1));
      // What each sender was acked is the stored message, id included.
      expect(messages.map((m) => ackedByClientId.get(m.clientId))).toEqual(messages);
      // Each sender's messages keep the order they were sent in.
      for (const side of [2 * p, 2 * p + 1]) {
        const mine = messages.filter((m) => m.senderId === (users[side] as ChatUser).me.id).map((m) => m.text);
        expect(mine).toEqual(Array.from({ length: PER_SENDER }, (_, round) => `u${side}-m${round}`));
      }
      // Both members receive each of the peer's messages once, in seq order.
      for (const side of [2 * p, 2 * p + 1]) {
        const peer = users[side ^ 1] as ChatUser;
        await expect.poll(() => seen[side]?.messages.filter((m) => m.senderId === peer.me.id).length).toBe(PER_SENDER);
        const seqs = seen[side]?.messages.map((m) => m.seq) ?? [];
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    }
    // Whatever order the counts arrived in, what each side ends up with is the truth the server holds.
    for (const [i, user] of users.entries()) {
      const truth = (await user.api.conversations()).conversations[0];
      const told = seen[i]?.events.filter((e) => e.type === 'unread' && e.conversationId === truth?.id).at(-1);
      expect(told).toMatchObject({ unread: truth?.unread, lastSeq: truth?.lastSeq, readSeq: truth?.readSeq });
    }
  });

  it('looks the ids of a batch up where the database does not hand them out one after another', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const sends = [alice, bob, alice].map((user, i) => ({
      senderId: user.me.id,
      conversationId: conversation.id,
      clientId: `lookup-${i}`,
      text: `message ${i}`,
      attachment: null,
      replyTo: null,
    }));
    const results = await commitSends(nodeA.app.database, sends, 'unknown');
    const { messages } = await alice.api.history(conversation.id, { limit: 10 });
    expect(results.map((r) => (r instanceof Error ? r : r.message))).toEqual(messages);
    // Counts as of the end of the batch: Alice's last message read Bob's, Bob has not read hers.
    expect(results.map((r) => !(r instanceof Error) && r.peerUnread.unread)).toEqual([1, 0, 1]);
  });

  it('answers a resent, already stored send in a batch as a replay and stores the rest in order', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const send = (clientId: string) => ({
      senderId: alice.me.id,
      conversationId: conversation.id,
      clientId,
      text: clientId,
      attachment: null,
      replyTo: null,
    });
    const [first] = await commitSends(nodeA.app.database, [send('a'), send('b')], 'unknown');
    const results = await commitSends(nodeA.app.database, [send('c'), send('a'), send('d')], 'unknown');
    expect(results.map((r) => (r instanceof Error ? r.message : [r.message.text, r.message.seq, r.created]))).toEqual([
      ['c', 3, true],
      ['a', 1, false],
      ['d', 4, true],
    ]);
    expect(results[1]).toMatchObject({ message: { id: (first as { message: { id: number } }).message.id } });
    // The replay carries today's counts, so fanning it out again tells the truth: Bob has 4 unread.
    expect(results[1]).toMatchObject({
      peerUnread: { lastSeq: 4, readSeq: 0, unread: 4 },
      senderUnread: { unread: 0 },
    });
  });

  it('answers a lone resent send from what is stored, with the same message', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const send = {
      senderId: alice.me.id,
      conversationId: conversation.id,
      clientId: 'x',
      text: 'x',
      attachment: null,
      replyTo: null,
    };
    const [stored] = await commitSends(nodeA.app.database, [send], 'unknown');
    const [again] = await commitSends(nodeB.app.database, [send], 'unknown');
    expect(again).toMatchObject({ created: false, message: (stored as { message: Message }).message });
  });

  it('refuses a sender outside the conversation with 404, alone or inside a batch, and stores the others', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const mallory = await createChatUser(nodeA.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const send = (senderId: number, clientId: string) => ({
      senderId,
      conversationId: conversation.id,
      clientId,
      text: clientId,
      attachment: null,
      replyTo: null,
    });
    const results = await commitSends(
      nodeA.app.database,
      [send(alice.me.id, 'ok-1'), send(mallory.me.id, 'intruder'), send(alice.me.id, 'ok-2')],
      'unknown',
    );
    expect(results.map((r) => (r instanceof Error ? (r as { code?: string }).code : r.message.seq))).toEqual([
      1,
      'not_found',
      2,
    ]);
    // Refused alone, the intruder leaves the conversation as it was: no seq taken, not moved up anyone's list.
    const before = await conversationRow(conversation.id);
    const [alone] = await commitSends(nodeA.app.database, [send(mallory.me.id, 'intruder-2')], 'unknown');
    expect((alone as { code?: string }).code).toBe('not_found');
    expect(await conversationRow(conversation.id)).toEqual(before);
  });

  const conversationRow = (id: number) =>
    nodeA.app.database.db
      .selectFrom('conversations')
      .select(['last_seq', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
});
