import type { Message } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { createChatUser, opened } from '../../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../../test/server.ts';
import { startTcpProxy } from '../../../test/tcp-proxy.ts';

describe.each(BACKENDS)('the client library catching up on changes on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    ({ nodeA, nodeB } = nodes);
  });
  afterAll(() => nodes.close());

  it('a client cut off during an edit, a delete and three reactions shows the final state once back, on the other node', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeA.url);
    const balancer = await startTcpProxy('127.0.0.1', Number(new URL(nodeA.url).port));
    try {
      const aliceClient = nodes.track(alice.connect(nodeA.url));
      const bobClient = nodes.track(bob.connect(`http://127.0.0.1:${balancer.port}`));
      const shown = new Map<number, Message>();
      bobClient.on('message', (m) => shown.set(m.id, m));
      bobClient.on('message_changed', (m) => shown.set(m.id, m));
      await Promise.all([opened(aliceClient), opened(bobClient)]);
      const { conversation } = await alice.api.openConversation(bob.me.id);
      const send = (text: string) => aliceClient.send({ conversationId: conversation.id, text }).stored;
      const [typo, oops, news] = [await send('typo'), await send('oops'), await send('news')];
      await expect.poll(() => shown.size).toBe(3);

      // Bob's network goes; when it comes back, his client reaches the other node.
      balancer.cut();
      balancer.retarget(Number(new URL(nodeB.url).port));
      await aliceClient.edit(typo, 'typo fixed').settled;
      await aliceClient.remove(oops).settled;
      let state = news;
      for (const emoji of ['👍', '❤️', '😂']) state = await aliceClient.react(state, emoji).settled;
      await aliceClient.react(state, '❤️').settled;
      balancer.restore();

      const truth = (await bob.api.history(conversation.id)).messages;
      expect(truth.map((m) => m.changeSeq)).toEqual([1, 2, 6]);
      await expect.poll(() => [...shown.values()].sort((a, b) => a.seq - b.seq), { timeout: 20_000 }).toEqual(truth);
      expect(truth[2]?.reactions.map((r) => r.emoji)).toEqual(['👍', '😂']);
    } finally {
      await balancer.close();
    }
  });

  it('a refused change rolls back on screen and says why', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceClient = nodes.track(alice.connect(nodeA.url));
    const bobClient = nodes.track(bob.connect(nodeB.url));
    await Promise.all([opened(aliceClient), opened(bobClient)]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const message = await aliceClient.send({ conversationId: conversation.id, text: 'mine' }).stored;
    const shown: string[] = [];
    bobClient.on('message_changed', (m) => shown.push(m.text));
    const attempt = bobClient.edit(message, 'not yours');
    expect(attempt.shown.text).toBe('not yours');
    await expect(attempt.settled).rejects.toMatchObject({ name: 'ChangeError', code: 'not_own_message' });
    expect(shown).toEqual(['not yours', 'mine']);
  });
});
