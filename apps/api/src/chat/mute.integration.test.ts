import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../test/server.ts';

describe.each(BACKENDS)('muting a conversation on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const connect = (user: ChatUser, node: TestServer) => nodes.track(user.connect(node.url));

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    ({ nodeA, nodeB } = nodes);
  });

  afterAll(() => nodes.close());

  it("is the muter's alone, kept on the server, and told to their other connections on every node", async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeA.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    expect(conversation.muted).toBe(false);
    const otherTab = connect(alice, nodeB);
    const bobTab = connect(bob, nodeB);
    const aliceSees = record(otherTab);
    const bobSees = record(bobTab);
    await Promise.all([opened(otherTab), opened(bobTab)]);

    expect(await alice.api.setMuted(conversation.id, true)).toEqual({ conversationId: conversation.id, muted: true });
    await expect
      .poll(() => aliceSees.last('conversation_muted'))
      .toEqual({ type: 'conversation_muted', conversationId: conversation.id, muted: true });
    expect((await alice.api.conversation(conversation.id)).conversation.muted).toBe(true);
    expect((await alice.api.conversations()).conversations.map((c) => [c.id, c.muted])).toEqual([
      [conversation.id, true],
    ]);
    // Muting twice is no error (a retry, a second tab): the state is the same.
    expect(await alice.api.setMuted(conversation.id, true)).toEqual({ conversationId: conversation.id, muted: true });

    // Bob's side is untouched, and he is never told.
    await bob.api.openConversation(alice.me.id);
    expect((await bob.api.conversation(conversation.id)).conversation.muted).toBe(false);

    // Messages still arrive and count as unread in the muted conversation: its badge stays.
    await bobTab.send({ conversationId: conversation.id, text: 'still here' }).stored;
    await expect.poll(async () => (await alice.api.conversation(conversation.id)).conversation.unread).toBe(1);

    expect(await alice.api.setMuted(conversation.id, false)).toEqual({ conversationId: conversation.id, muted: false });
    await expect
      .poll(() => aliceSees.last('conversation_muted'))
      .toEqual({ type: 'conversation_muted', conversationId: conversation.id, muted: false });
    expect((await alice.api.conversation(conversation.id)).conversation.muted).toBe(false);
    expect(bobSees.events.filter((event) => event.type === 'conversation_muted')).toEqual([]);
  });

  it('is refused with 404 for a conversation the caller is not in, or that does not exist, and changes nothing', async () => {
    const [alice, bob, mallory] = await Promise.all([
      createChatUser(nodeA.url),
      createChatUser(nodeA.url),
      createChatUser(nodeA.url),
    ]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    for (const muted of [true, false]) {
      await expect(mallory.api.setMuted(conversation.id, muted)).rejects.toMatchObject({
        status: 404,
        code: 'not_found',
      });
    }
    await expect(mallory.api.setMuted(999_999_999, true)).rejects.toMatchObject({ status: 404 });
    expect((await alice.api.conversation(conversation.id)).conversation.muted).toBe(false);

    const anonymous = await fetch(`${nodeA.url}/api/conversations/${conversation.id}/mute`, { method: 'PUT' });
    expect(anonymous.status).toBe(401);
  });
});
