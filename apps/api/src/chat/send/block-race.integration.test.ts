import { describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { createChatUser, PASSWORD } from '../../../test/chat-users.ts';
import { serverWithFailpoints } from '../../../test/failpoint-server.ts';
import { openFrameSocket } from '../../../test/frame-socket.ts';
import type { FailpointName } from '../../infra/failpoints/failpoints.ts';

/** Long enough for a block to commit on a busy machine while the send waits (it starts once the node says the send got there). */
const SEND_PAUSE_MS = 3000;

/** A node whose every send batch holds at `point` for a while; people in pairs with sockets on it. */
function nodePausingSendsAt(kind: BackendKind, point: FailpointName) {
  const server = serverWithFailpoints(kind, `${point}=delay(${SEND_PAUSE_MS})`);
  /** A fresh pair for each test: a block between them leaves the others alone. */
  const pair = async () => {
    const [alice, bob] = await Promise.all([createChatUser(server.url), createChatUser(server.url)]);
    const [a, b] = await Promise.all([openFrameSocket(alice, server.url), openFrameSocket(bob, server.url)]);
    return {
      alice,
      bob,
      a,
      b,
      close: () => {
        a.close();
        b.close();
      },
    };
  };
  const hits = () => server.output().split(`failpoint ${point} reached`).length - 1;
  /** Call before the send: the returned wait ends once that send holds at the point. */
  const nextPause = () => {
    const before = hits();
    return () => expect.poll(hits, { timeout: 10_000 }).toBeGreaterThan(before);
  };
  return { pair, nextPause };
}

describe.each(BACKENDS)('a block or an account deletion racing a send on %s', (kind: BackendKind) => {
  describe('committed while the send waits for its transaction', () => {
    const node = nodePausingSendsAt(kind, 'send.before-commit');

    it('refuses the send with the block’s reason, and stores and delivers nothing', async () => {
      const { alice, bob, a, b, close } = await node.pair();
      try {
        const { id: conversationId } = (await alice.api.openConversation(bob.me.id)).conversation;
        // Bob's send passed its checks before the block existed; the block commits while it waits.
        const paused = node.nextPause();
        const answer = b.request({ type: 'send', clientId: 'raced', conversationId, text: 'one last word' });
        await paused();
        await alice.api.block(bob.me.id);
        expect(await answer).toEqual({
          type: 'error',
          code: 'blocked',
          message: "You can't message this person.",
          frame: 'send',
          clientId: 'raced',
        });

        for (const user of [alice, bob]) expect((await user.api.history(conversationId)).messages).toEqual([]);
        expect(a.all('message')).toEqual([]);
        // Refused whole: no seq was taken, so the next message after an unblock is the first.
        await alice.api.unblock(bob.me.id);
        expect(await b.request({ type: 'send', clientId: 'after', conversationId, text: 'hello again' })).toMatchObject(
          { type: 'ack', message: { seq: 1 } },
        );
      } finally {
        close();
      }
    });

    it('refuses a first contact by user id alike, though its conversation was opened before the block', async () => {
      const { alice, bob, a, b, close } = await node.pair();
      try {
        const paused = node.nextPause();
        const answer = b.request({ type: 'send', clientId: 'first', userId: alice.me.id, text: 'hi there' });
        await paused();
        await alice.api.block(bob.me.id);
        expect(await answer).toMatchObject({ type: 'error', code: 'blocked', clientId: 'first' });
        const { conversation } = await alice.api.openConversation(bob.me.id);
        expect((await alice.api.history(conversation.id)).messages).toEqual([]);
        expect(a.all('message')).toEqual([]);
      } finally {
        close();
      }
    });
  });

  describe('asked for while the send’s transaction holds the conversation', () => {
    const node = nodePausingSendsAt(kind, 'send.members-read');

    it('answers only once the send is stored: nothing from the blocked person arrives after the block', async () => {
      const { alice, bob, b, close } = await node.pair();
      try {
        const { id: conversationId } = (await alice.api.openConversation(bob.me.id)).conversation;
        const paused = node.nextPause();
        const answer = b.request({ type: 'send', clientId: 'in-flight', conversationId, text: 'already on its way' });
        await paused();
        await alice.api.block(bob.me.id);
        // What Alice can read the moment her block is confirmed is all she will ever get from Bob.
        const seenAtBlock = (await alice.api.history(conversationId)).messages.map((m) => m.text);
        expect(await answer).toMatchObject({ type: 'ack', message: { text: 'already on its way' } });
        expect(seenAtBlock).toEqual(['already on its way']);
        expect(await b.request({ type: 'send', clientId: 'late', conversationId, text: 'too late' })).toMatchObject({
          type: 'error',
          code: 'blocked',
        });
      } finally {
        close();
      }
    });

    it('lets an account deletion finish only once the send is stored, and refuses every send after it', async () => {
      const { alice, bob, b, close } = await node.pair();
      try {
        const { id: conversationId } = (await alice.api.openConversation(bob.me.id)).conversation;
        const paused = node.nextPause();
        const happened: string[] = [];
        const answer = b
          .request({ type: 'send', clientId: 'in-flight', conversationId, text: 'are you still there?' })
          .then((frame) => {
            happened.push(`send answered: ${frame.type}`);
            return frame;
          });
        await paused();
        await alice.api.deleteAccount({ password: PASSWORD });
        happened.push('account deleted');
        await answer;
        // Bob read "not deleted" under the conversation's lock: the deletion waited for his message.
        expect(happened).toEqual(['send answered: ack', 'account deleted']);
        expect(await b.request({ type: 'send', clientId: 'late', conversationId, text: 'hello?' })).toMatchObject({
          type: 'error',
          code: 'peer_deleted',
        });
      } finally {
        close();
      }
    });
  });
});
