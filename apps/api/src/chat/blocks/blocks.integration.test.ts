import { ApiError, SendError } from '@chat/client';
import type { ServerFrame } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../../test/chat-users.ts';
import { type RawSocket, ticketedSocket } from '../../../test/raw-socket.ts';
import { startTwoNodes, type TwoNodes } from '../../../test/server.ts';

const GRACE_MS = 300;

/** The answer a raw socket gets for one send: its ack or its refusal. */
async function sendOn(socket: RawSocket, clientId: string, target: { conversationId: number } | { userId: number }) {
  socket.send({ type: 'send', clientId, text: `text of ${clientId}`, ...target });
  const answered = (frame: ServerFrame) =>
    (frame.type === 'ack' || frame.type === 'error') && 'clientId' in frame && frame.clientId === clientId;
  await expect.poll(() => socket.frames.some(answered), { timeout: 10_000 }).toBe(true);
  const index = socket.frames.findIndex(answered);
  return socket.frames.splice(index, 1)[0] as ServerFrame;
}

const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return { status: (error as ApiError).status, code: (error as ApiError).code, message: (error as ApiError).message };
};

const from = (socket: RawSocket, type: ServerFrame['type'], userId: number) =>
  socket.frames.filter((frame) => frame.type === type && 'userId' in frame && frame.userId === userId);

describe.each(BACKENDS)('blocking on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ChatUser;
  const sockets: RawSocket[] = [];
  const socketOf = async (user: ChatUser, url: string) => {
    const socket = await ticketedSocket(url, user);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PRESENCE_GRACE_MS: String(GRACE_MS) });
    [alice, bob, carol] = await Promise.all([
      createChatUser(nodes.nodeA.url),
      createChatUser(nodes.nodeB.url),
      createChatUser(nodes.nodeB.url),
    ]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nodes.close();
  });

  it('refuses to block oneself or someone who does not exist, and lists whom one blocked', async () => {
    expect(await refusalOf(alice.api.block(alice.me.id))).toMatchObject({ status: 400, code: 'cannot_block_self' });
    expect(await refusalOf(alice.api.block(999_999_999))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await refusalOf(alice.api.unblock(999_999_999))).toMatchObject({ status: 404, code: 'not_found' });

    const dave = await createChatUser(nodes.nodeA.url);
    expect(await dave.api.block(carol.me.id)).toEqual({ userId: carol.me.id, blocked: true });
    expect(await dave.api.block(carol.me.id)).toEqual({ userId: carol.me.id, blocked: true });
    const { blocked } = await dave.api.blocks();
    expect(blocked).toHaveLength(1);
    expect(blocked[0]?.user).toMatchObject({ id: carol.me.id, presence: { online: false, lastSeenAt: null } });
    expect(await carol.api.blocks()).toEqual({ blocked: [] });

    expect(await dave.api.unblock(carol.me.id)).toEqual({ userId: carol.me.id, blocked: false });
    expect(await dave.api.unblock(carol.me.id)).toEqual({ userId: carol.me.id, blocked: false });
    expect(await dave.api.blocks()).toEqual({ blocked: [] });
  });

  it('stops sends both ways over WebSocket with a final refusal, until unblocked; the history stays', async () => {
    const [erin, frank] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    const { id: conversationId } = (await erin.api.openConversation(frank.me.id)).conversation;
    const [erinSocket, frankSocket] = await Promise.all([
      socketOf(erin, nodes.nodeA.url),
      socketOf(frank, nodes.nodeB.url),
    ]);
    expect(await sendOn(frankSocket, 'before-1', { conversationId })).toMatchObject({ type: 'ack' });

    await erin.api.block(frank.me.id);
    expect(await sendOn(frankSocket, 'blocked-1', { conversationId })).toEqual({
      type: 'error',
      code: 'blocked',
      message: "You can't message this person.",
      frame: 'send',
      clientId: 'blocked-1',
    });
    expect(await sendOn(erinSocket, 'blocked-2', { conversationId })).toMatchObject({
      type: 'error',
      code: 'blocked_by_you',
      message: 'You blocked this person. Unblock them to send.',
      clientId: 'blocked-2',
    });
    // A first contact by user id is refused alike.
    expect(await sendOn(frankSocket, 'blocked-3', { userId: erin.me.id })).toMatchObject({ code: 'blocked' });

    // Both keep the history; nothing sent while blocked is in it, so unblocking has nothing to reveal.
    for (const user of [erin, frank]) {
      const { messages } = await user.api.history(conversationId);
      expect(messages.map((m) => m.text)).toEqual(['text of before-1']);
    }

    await erin.api.unblock(frank.me.id);
    expect(await sendOn(frankSocket, 'after-1', { conversationId })).toMatchObject({ type: 'ack' });
    await erinSocket.next('message', (frame) => frame.message.text === 'text of after-1');
    expect(await sendOn(erinSocket, 'after-2', { conversationId })).toMatchObject({ type: 'ack' });
    await frankSocket.next('message', (frame) => frame.message.text === 'text of after-2');
  });

  it('the client library fails a blocked send for good instead of resending it', async () => {
    const [gina, hank] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    const { id: conversationId } = (await gina.api.openConversation(hank.me.id)).conversation;
    await gina.api.block(hank.me.id);
    const client = nodes.track(hank.connect(nodes.nodeB.url));
    await opened(client);
    const { stored } = client.send({ conversationId, text: 'let me in' });
    const error = await stored.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ code: 'blocked' });
    expect(client.pendingSends()).toEqual([]);
  });

  it('the blocked person cannot open a conversation; the one who blocked can, to read it', async () => {
    const [ivy, jack] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    await ivy.api.block(jack.me.id);
    expect(await refusalOf(jack.api.openConversation(ivy.me.id))).toMatchObject({ status: 403, code: 'blocked' });
    const { conversation } = await ivy.api.openConversation(jack.me.id);
    expect(conversation.peer.id).toBe(jack.me.id);
    await ivy.api.unblock(jack.me.id);
    expect((await jack.api.openConversation(ivy.me.id)).conversation.id).toBe(conversation.id);
  });

  it('refuses edits and reactions across a block', async () => {
    const [kim, leo] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    const { id: conversationId } = (await kim.api.openConversation(leo.me.id)).conversation;
    const leoSocket = await socketOf(leo, nodes.nodeB.url);
    const ack = await sendOn(leoSocket, 'mine-1', { conversationId });
    if (ack.type !== 'ack') throw new Error('not stored');
    await kim.api.block(leo.me.id);
    leoSocket.send({ type: 'edit', clientId: 'edit-1', messageId: ack.message.id, text: 'changed' });
    expect(await leoSocket.next('error')).toMatchObject({ code: 'blocked', clientId: 'edit-1' });
    leoSocket.send({ type: 'react', clientId: 'react-1', messageId: ack.message.id, emoji: '👍', on: true });
    expect(await leoSocket.next('error')).toMatchObject({ code: 'blocked', clientId: 'react-1' });
    expect((await kim.api.history(conversationId)).messages[0]).toMatchObject({
      text: 'text of mine-1',
      reactions: [],
    });
  });

  it('across two nodes: no presence, typing or read receipts either way while blocked; unblocking restores them', async () => {
    // Alice is on node A; Bob and Carol (who is not blocked: she shows what Bob would have heard) on node B.
    const { id: withBob } = (await bob.api.openConversation(alice.me.id)).conversation;
    const { id: withCarol } = (await carol.api.openConversation(alice.me.id)).conversation;
    const [bobSocket, carolSocket] = await Promise.all([
      socketOf(bob, nodes.nodeB.url),
      socketOf(carol, nodes.nodeB.url),
    ]);
    expect(await sendOn(bobSocket, 'bob-1', { conversationId: withBob })).toMatchObject({ type: 'ack' });
    expect(await sendOn(carolSocket, 'carol-1', { conversationId: withCarol })).toMatchObject({ type: 'ack' });
    let aliceSocket = await socketOf(alice, nodes.nodeA.url);
    const online = await bobSocket.next('presence', (f) => f.userId === alice.me.id && f.presence.online);

    await alice.api.block(bob.me.id);
    // At once, on the other node: Alice shows as unknown to Bob, newer than what he had; Bob to Alice too.
    const newer = (version: number) => (f: { userId: number; presence: { version: number } }) =>
      f.userId === alice.me.id && f.presence.version > version;
    const hidden = await bobSocket.next('presence', newer(online.presence.version));
    expect(hidden.presence).toEqual({ online: false, lastSeenAt: null, version: expect.any(Number) });
    await aliceSocket.next('presence', (f) => f.userId === bob.me.id && !f.presence.online);

    // Over REST too: the directory and the conversation list show Bob no presence and no "seen" of Alice.
    const { users } = await bob.api.directory({ query: alice.me.username });
    expect(users[0]?.presence).toMatchObject({ online: false, lastSeenAt: null });
    const summary = (await bob.api.conversation(withBob)).conversation;
    expect(summary).toMatchObject({ peer: { presence: { online: false, lastSeenAt: null } }, peerReadSeq: null });

    // Typing: Bob's is dropped (his refused send answers after it, in order); Carol's, sent after, arrives.
    bobSocket.send({ type: 'typing', conversationId: withBob });
    expect(await sendOn(bobSocket, 'bob-2', { conversationId: withBob })).toMatchObject({ code: 'blocked' });
    carolSocket.send({ type: 'typing', conversationId: withCarol });
    await aliceSocket.next('typing', (f) => f.userId === carol.me.id);
    expect(from(aliceSocket, 'typing', bob.me.id)).toEqual([]);
    // Alice's typing and read receipt go to Carol only; Bob, on the same node, would have had his first.
    aliceSocket.send({ type: 'typing', conversationId: withBob });
    aliceSocket.send({ type: 'read', conversationId: withBob, seq: 1 });
    aliceSocket.send({ type: 'typing', conversationId: withCarol });
    aliceSocket.send({ type: 'read', conversationId: withCarol, seq: 1 });
    await carolSocket.next('typing', (f) => f.userId === alice.me.id);
    await carolSocket.next('read', (f) => f.userId === alice.me.id);
    expect(from(bobSocket, 'typing', alice.me.id)).toEqual([]);
    expect(from(bobSocket, 'read', alice.me.id)).toEqual([]);

    // Alice goes offline and comes back: Carol hears both, Bob nothing.
    aliceSocket.close();
    await carolSocket.next('presence', (f) => f.userId === alice.me.id && !f.presence.online);
    aliceSocket = await socketOf(alice, nodes.nodeA.url);
    await carolSocket.next('presence', (f) => f.userId === alice.me.id && f.presence.online);
    const heardSince = (version: number) =>
      from(bobSocket, 'presence', alice.me.id).filter((f) => f.type === 'presence' && f.presence.version > version);
    expect(heardSince(hidden.presence.version)).toEqual([]);

    await alice.api.unblock(bob.me.id);
    const restored = await bobSocket.next('presence', newer(hidden.presence.version));
    expect(restored.presence).toMatchObject({ online: true });
    await aliceSocket.next('presence', (f) => f.userId === bob.me.id && f.presence.online);
    aliceSocket.send({ type: 'typing', conversationId: withBob });
    await bobSocket.next('typing', (f) => f.userId === alice.me.id);
    expect(await sendOn(bobSocket, 'bob-3', { conversationId: withBob })).toMatchObject({ type: 'ack' });
    aliceSocket.send({ type: 'read', conversationId: withBob, seq: 2 });
    await bobSocket.next('read', (f) => f.userId === alice.me.id && f.seq === 2);
  });

  it('a block by the other side alone is still a block after one side unblocks', async () => {
    const [mia, ned] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    const { id: conversationId } = (await mia.api.openConversation(ned.me.id)).conversation;
    const nedSocket = await socketOf(ned, nodes.nodeB.url);
    await mia.api.block(ned.me.id);
    await ned.api.block(mia.me.id);
    // Each hears about their own block first.
    expect(await sendOn(nedSocket, 'both-1', { conversationId })).toMatchObject({ code: 'blocked_by_you' });
    await ned.api.unblock(mia.me.id);
    expect(await sendOn(nedSocket, 'both-2', { conversationId })).toMatchObject({ code: 'blocked' });
  });

  it("tells the blocker's other connections, and nobody else", async () => {
    const [olga, pete] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeB.url)]);
    const [olgaSocket, peteSocket] = await Promise.all([
      socketOf(olga, nodes.nodeB.url),
      socketOf(pete, nodes.nodeB.url),
    ]);
    await olga.api.block(pete.me.id);
    expect(await olgaSocket.next('block_changed')).toEqual({
      type: 'block_changed',
      userId: pete.me.id,
      blocked: true,
    });
    await olga.api.unblock(pete.me.id);
    expect(await olgaSocket.next('block_changed')).toEqual({
      type: 'block_changed',
      userId: pete.me.id,
      blocked: false,
    });
    expect(peteSocket.frames.filter((frame) => frame.type === 'block_changed')).toEqual([]);
  });
});
