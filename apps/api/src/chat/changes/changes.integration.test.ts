import { randomUUID } from 'node:crypto';
import { type Message, newerMessage, type ServerFrame, WS_LIMITS } from '@chat/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { type ChatUser, createChatUser } from '../../../test/chat-users.ts';
import { type FrameSocket, openFrameSocket } from '../../../test/frame-socket.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../../test/server.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The answer's message, or the error code that refused it. */
const outcome = (frame: ServerFrame) =>
  frame.type === 'change_ack' || frame.type === 'ack' ? frame.message : frame.type === 'error' ? frame.code : frame;

describe.each(BACKENDS)('changing messages on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const sockets: FrameSocket[] = [];

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    ({ nodeA, nodeB } = nodes);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nodes.close();
  });

  const open = async (user: ChatUser, node: TestServer) => {
    const socket = await openFrameSocket(user, node.url);
    sockets.push(socket);
    return socket;
  };

  /** Alice on node A, Bob on node B, a conversation between them, and Alice's messages in it. */
  async function chat(...texts: string[]) {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const [a, b] = await Promise.all([open(alice, nodeA), open(bob, nodeB)]);
    const sent: Message[] = [];
    for (const text of texts) sent.push(await send(a, { conversationId: conversation.id, text }));
    return { alice, bob, a, b, conversationId: conversation.id, sent };
  }

  async function send(socket: FrameSocket, fields: object): Promise<Message> {
    const answer = await socket.request({ type: 'send', clientId: randomUUID(), ...fields });
    if (answer.type !== 'ack') throw new Error(`send refused: ${JSON.stringify(answer)}`);
    return answer.message;
  }

  const change = (socket: FrameSocket, frame: object) => socket.request({ clientId: randomUUID(), ...frame });
  const edit = (socket: FrameSocket, messageId: number, text: string) =>
    change(socket, { type: 'edit', messageId, text });
  const remove = (socket: FrameSocket, messageId: number, forEveryone = true) =>
    change(socket, { type: 'delete', messageId, forEveryone });
  const react = (socket: FrameSocket, messageId: number, emoji: string, on = true) =>
    change(socket, { type: 'react', messageId, emoji, on });

  /** The newest state of a message a socket was told of, by the protocol's rule. */
  const latest = (socket: FrameSocket, id: number) =>
    socket.frames
      .flatMap((f) => (f.type === 'message' || f.type === 'message_changed' ? [f.message] : []))
      .filter((m) => m.id === id)
      .reduce<Message | undefined>((kept, m) => (kept ? newerMessage(kept, m) : m), undefined);

  it('an edit reaches the peer on the other node, stays in history, and the list preview follows', async () => {
    const { alice, bob, a, b, sent } = await chat('helo');
    const [message] = sent as [Message];
    const peerSees = b.next('message_changed');
    const acked = outcome(await edit(a, message.id, 'hello'));
    expect(acked).toMatchObject({ id: message.id, text: 'hello', changeSeq: 1, deletedAt: null });
    expect((acked as Message).editedAt).toBeGreaterThanOrEqual(message.createdAt);
    expect((await peerSees).message).toEqual(acked);

    const { messages } = await bob.api.history(message.conversationId);
    expect(messages).toEqual([acked]);
    expect((await bob.api.conversations()).conversations[0]?.lastMessage).toEqual(acked);
    expect((await alice.api.conversations()).conversations[0]).toMatchObject({ lastChangeSeq: 1 });
  });

  it('a delete for everyone erases the text and the picture for both, and takes it out of the unread count', async () => {
    const { alice, bob, a, b, conversationId } = await chat();
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0af' } })
      .png()
      .toBuffer();
    const { attachment } = await alice.api.upload(new Blob([png]), 'p.png');
    const picture = await send(a, { conversationId, text: 'look', attachmentId: attachment.id });
    await send(a, { conversationId, text: 'and this' });
    expect((await bob.api.conversations()).totalUnread).toBe(2);

    const bobCounts = b.next('unread', (f) => f.deletedUnread === 1);
    const deleted = outcome(await remove(a, picture.id));
    expect(deleted).toMatchObject({ text: '', attachment: null, reactions: [], changeSeq: 1 });
    expect((deleted as Message).deletedAt).not.toBeNull();
    expect(await bobCounts).toMatchObject({ conversationId, unread: 1, lastSeq: 2, readSeq: 0, lastChangeSeq: 1 });
    expect((await bob.api.conversations()).totalUnread).toBe(1);
    expect(latest(b, picture.id)).toEqual(deleted);

    const row = await nodeA.app.database.db
      .selectFrom('messages')
      .select(['text', 'attachment_id'])
      .where('id', '=', picture.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ text: '', attachment_id: null });
    for (const user of [alice, bob]) {
      for (const path of [`/api/uploads/${attachment.id}`, `/api/uploads/${attachment.id}/thumbnail`]) {
        const response = await fetch(nodeB.url + path, { headers: { authorization: `Bearer ${user.api.token}` } });
        expect(response.status).toBe(404);
      }
    }
    // A picture can no longer be sent again once its message was deleted.
    expect(
      outcome(
        await a.request({ type: 'send', clientId: 'again', conversationId, text: '', attachmentId: attachment.id }),
      ),
    ).toBe('not_found');
    // Resent after a lost answer, a delete succeeds with the same state; reading past it clears the rest.
    expect(outcome(await remove(a, picture.id))).toMatchObject({ deletedAt: (deleted as Message).deletedAt });
    await bob.api.markRead(conversationId, 1);
    expect((await bob.api.conversations()).conversations[0]).toMatchObject({ unread: 1, readSeq: 1 });
    await bob.api.markRead(conversationId, 2);
    expect((await bob.api.conversations()).totalUnread).toBe(0);
  });

  it('a reply quotes its original, which shows as deleted once it is', async () => {
    const { bob, a, b, conversationId, sent } = await chat('where shall we meet?');
    const [question] = sent as [Message];
    const reply = await send(b, { conversationId, text: 'at the station', replyToId: question.id });
    expect(reply.replyTo).toEqual({
      id: question.id,
      seq: 1,
      senderId: question.senderId,
      snippet: 'where shall we meet?',
      hasAttachment: false,
      deleted: false,
    });
    expect((await a.next('message', (f) => f.message.id === reply.id)).message).toEqual(reply);

    await remove(a, question.id);
    const [, stored] = (await bob.api.history(conversationId)).messages;
    expect(stored?.replyTo).toMatchObject({ id: question.id, snippet: '', deleted: true });

    const other = await chat('elsewhere');
    const elsewhere = other.sent[0] as Message;
    expect(
      outcome(await b.request({ type: 'send', clientId: 'r1', conversationId, text: 'x', replyToId: elsewhere.id })),
    ).toBe('invalid_reply');
  });

  it('reactions: one per person and emoji, counted, toggled, and only ever one emoji', async () => {
    const { alice, bob, a, b, sent } = await chat('party at eight');
    const [message] = sent as [Message];
    await react(b, message.id, '🎉');
    await react(b, message.id, '🎉');
    await react(a, message.id, '🎉');
    const last = outcome(await react(a, message.id, '👍🏽'));
    expect((last as Message).reactions).toEqual([
      { emoji: '🎉', count: 2, userIds: [bob.me.id, alice.me.id] },
      { emoji: '👍🏽', count: 1, userIds: [alice.me.id] },
    ]);
    await expect.poll(() => latest(b, message.id)?.reactions).toEqual((last as Message).reactions);

    const off = outcome(await react(b, message.id, '🎉', false));
    expect((off as Message).reactions).toEqual([
      { emoji: '🎉', count: 1, userIds: [alice.me.id] },
      { emoji: '👍🏽', count: 1, userIds: [alice.me.id] },
    ]);
    for (const bad of ['ok', '👍👍', '', 'x'.repeat(40)]) {
      expect(outcome(await react(b, message.id, bad))).toSatisfy((code) =>
        ['invalid_reaction', 'validation_failed'].includes(code as string),
      );
    }
    await remove(a, message.id);
    expect(outcome(await react(b, message.id, '🎉'))).toBe('message_deleted');
  });

  it('refuses what is not allowed, each with its code', async () => {
    const { bob, a, b, conversationId, sent } = await chat('mine', 'old', 'gone');
    const [mine, old, gone] = sent as [Message, Message, Message];
    const theirs = await send(b, { conversationId, text: 'theirs' });
    const stranger = await createChatUser(nodeA.url);
    const s = await open(stranger, nodeA);
    await nodeA.app.database.db
      .updateTable('messages')
      .set({ created_at: Date.now() - DAY - 1000 })
      .where('id', '=', old.id)
      .execute();
    await remove(a, gone.id);

    expect(outcome(await edit(a, theirs.id, 'mine now'))).toBe('not_own_message');
    expect(outcome(await remove(a, theirs.id))).toBe('not_own_message');
    expect(outcome(await edit(a, old.id, 'too late'))).toBe('edit_window_passed');
    expect(outcome(await remove(a, old.id))).toBe('edit_window_passed');
    expect(outcome(await edit(a, gone.id, 'back'))).toBe('message_deleted');
    expect(outcome(await edit(a, mine.id, '   '))).toBe('empty_message');
    expect(outcome(await edit(a, mine.id, 'x'.repeat(WS_LIMITS.maxTextLength + 1)))).toBe('validation_failed');
    for (const attempt of [
      edit(s, mine.id, 'hi'),
      remove(s, mine.id),
      react(s, mine.id, '👍'),
      remove(s, mine.id, false),
    ])
      expect(outcome(await attempt)).toBe('not_found');
    expect(outcome(await edit(a, 999_999_999, 'x'))).toBe('not_found');
    // Nothing refused changed anything.
    const { messages } = await bob.api.history(conversationId);
    expect(messages.map((m) => [m.text, m.editedAt])).toEqual([
      ['mine', null],
      ['old', null],
      ['', null],
      ['theirs', null],
    ]);
    expect((await bob.api.conversations()).conversations[0]).toMatchObject({ lastChangeSeq: 1 });
  });

  it('delete for me hides a message on my side only, on my other connections too', async () => {
    const { alice, bob, a, conversationId, sent } = await chat('one', 'two');
    const [one] = sent as [Message];
    const otherTab = await open(alice, nodeB);
    const told = otherTab.next('message_hidden');
    expect(outcome(await remove(a, one.id, false))).toMatchObject({ id: one.id, text: 'one' });
    expect(await told).toEqual({ type: 'message_hidden', conversationId, messageId: one.id });
    expect((await alice.api.history(conversationId)).messages.map((m) => m.text)).toEqual(['two']);
    expect((await bob.api.history(conversationId)).messages.map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('the list shows the last message I still see when I delete my newest one for me', async () => {
    const { alice, bob, a, conversationId, sent } = await chat('older', 'newest');
    const [, newest] = sent as [Message, Message];
    await remove(a, newest.id, false);
    const preview = async (user: typeof alice) =>
      (await user.api.conversations()).conversations.find((c) => c.id === conversationId)?.lastMessage?.text;
    expect(await preview(alice)).toBe('older');
    expect(await preview(bob)).toBe('newest');
  });

  it('limits how fast one person changes messages', async () => {
    const { b, sent } = await chat('react to me');
    const [message] = sent as [Message];
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => react(b, message.id, '👍', i % 2 === 0)));
    expect(answers.filter((f) => f.type === 'error' && f.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(answers.filter((f) => f.type === 'change_ack').length).toBeGreaterThanOrEqual(20);
  });

  it('a client away during an edit, a delete and three reactions syncs to the final state, each message once', async () => {
    const { bob, a, b, conversationId, sent } = await chat('typo', 'oops', 'news');
    const [typo, oops, news] = sent as [Message, Message, Message];
    b.close();
    await edit(a, typo.id, 'typo fixed');
    await remove(a, oops.id);
    for (const emoji of ['👍', '❤️', '😂']) await react(a, news.id, emoji);
    await react(a, news.id, '❤️', false);

    const back = await open(bob, nodeA);
    const done = back.next('synced');
    back.send({ type: 'sync', since: Date.now(), cursors: [{ conversationId, seq: 3, changeSeq: 0 }] });
    expect((await done).changeSeqs).toEqual([{ conversationId, changeSeq: 6 }]);
    const changed = back.all('message_changed').map((f) => f.message);
    expect(changed.map((m) => m.id).sort()).toEqual([typo.id, oops.id, news.id].sort());
    expect(changed.find((m) => m.id === typo.id)).toMatchObject({ text: 'typo fixed' });
    expect(changed.find((m) => m.id === oops.id)).toMatchObject({ text: '' });
    expect(changed.find((m) => m.id === news.id)?.reactions.map((r) => r.emoji)).toEqual(['👍', '😂']);
    expect(changed).toEqual((await bob.api.history(conversationId)).messages);
    const unread = back.all('unread').at(-1);
    expect(unread).toMatchObject({ conversationId, lastChangeSeq: 6, unread: 2 });

    // From the cursor it was given, the next sync has nothing more; a client of today's frames gets no changes.
    const again = back.next('synced');
    const before = back.frames.length;
    back.send({ type: 'sync', since: Date.now(), cursors: [{ conversationId, seq: 3, changeSeq: 6 }] });
    await again;
    const withoutChanges = back.next('synced');
    back.send({ type: 'sync', since: Date.now(), cursors: [{ conversationId, seq: 3 }] });
    expect((await withoutChanges).changeSeqs).toEqual([]);
    expect(back.frames.slice(before).filter((f) => f.type === 'message_changed')).toEqual([]);
  });
});
